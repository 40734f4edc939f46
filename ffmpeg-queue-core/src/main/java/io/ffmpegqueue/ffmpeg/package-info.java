/**
 * The ffmpeg command model and the runner: {@link io.ffmpegqueue.ffmpeg.FfmpegCommand} parses a command,
 * {@link io.ffmpegqueue.ffmpeg.CommandPolicy} decides what it may touch, and
 * {@link io.ffmpegqueue.ffmpeg.FfmpegRunner} (the seam tests replace) runs it.
 */
package io.ffmpegqueue.ffmpeg;
