/**
 * Where inputs come from and outputs go: {@link io.ffmpegqueue.io.InputFetcher} (chosen by URI scheme)
 * and the {@link io.ffmpegqueue.io.Storage} SPI with its embedded {@link io.ffmpegqueue.io.LocalStorage}.
 */
package io.ffmpegqueue.io;
