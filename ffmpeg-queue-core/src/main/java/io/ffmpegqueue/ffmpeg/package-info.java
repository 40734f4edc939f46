/**
 * The ffmpeg command model and the runner. {@link io.ffmpegqueue.ffmpeg.FfmpegCommand} parses a command
 * into global options, inputs and outputs; {@link io.ffmpegqueue.ffmpeg.CommandPolicy} decides at
 * submission what it may touch; {@link io.ffmpegqueue.ffmpeg.FfmpegRunner} (the seam tests replace) runs
 * it, by default as {@link io.ffmpegqueue.ffmpeg.ProcessFfmpegRunner} on the ffmpeg that
 * {@link io.ffmpegqueue.ffmpeg.FfmpegLocator} finds, inside a {@link io.ffmpegqueue.ffmpeg.Sandbox} where
 * the machine has one. The process plumbing (the process, sandbox, progress parser, probe, output report)
 * sits beside the runner, package-private.
 */
package io.ffmpegqueue.ffmpeg;
