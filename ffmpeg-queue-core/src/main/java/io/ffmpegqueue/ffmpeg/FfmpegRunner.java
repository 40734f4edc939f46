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

  /**
   * Whether the worker may start this runner while an input is still arriving: the input's place in the
   * workspace is then a named pipe (or, for an HLS folder, one per segment) that the download feeds as
   * ffmpeg reads it. True by default, for a runner that starts a real ffmpeg; a runner that never opens its
   * inputs (a fake for tests) says false and always gets whole files, which its checks can read.
   *
   * @return true when ffmpeg reads the job's inputs itself
   */
  default boolean readsGrowingInputs() {
    return true;
  }
}
