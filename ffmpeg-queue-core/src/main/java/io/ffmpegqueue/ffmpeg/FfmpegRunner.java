package io.ffmpegqueue.ffmpeg;

import io.ffmpegqueue.TaskFailureException;

/**
 * Runs one ffmpeg command in a task's workspace. The seam that tests replace with a fake: everything
 * around it (fetching, storing, retries, events) runs the same with or without a real ffmpeg.
 */
@FunctionalInterface
public interface FfmpegRunner {
  /**
   * Runs the job to its end: returns when ffmpeg succeeded and every declared output exists, throws
   * otherwise. Must stop ffmpeg promptly when the job's context is stopped.
   *
   * @throws TaskFailureException with the failure's kind (ffmpeg error, timeout, missing output, ...)
   */
  FfmpegResult run(FfmpegJob job);
}
