/** Benchmarks of the ffmpeg runner: {@link io.ffmpegqueue.bench.ffmpeg.RunnerOverhead}. */
package io.ffmpegqueue.bench.ffmpeg;
