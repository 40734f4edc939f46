/**
 * Where inputs come from and outputs go: {@link io.ffmpegqueue.io.InputFetcher} (chosen by URI scheme) with
 * {@link io.ffmpegqueue.io.HttpInputFetcher} for {@code http}/{@code https} (the default, with its address
 * guard) and {@link io.ffmpegqueue.io.FileInputFetcher} for {@code file:} under allowed folders (off unless
 * registered); {@link io.ffmpegqueue.io.ProgressiveInputFetcher}, for fetchers that tell
 * ({@link io.ffmpegqueue.io.FetchProgress}) how much of an input has arrived, so that ffmpeg can start on its
 * head; and the {@link io.ffmpegqueue.io.Storage} SPI with its embedded {@link io.ffmpegqueue.io.LocalStorage}.
 */
package io.ffmpegqueue.io;
