package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.ffmpeg.FfmpegJob;
import io.ffmpegqueue.ffmpeg.FfmpegResult;
import io.ffmpegqueue.ffmpeg.FfmpegRunner;
import io.ffmpegqueue.spi.TaskContext;
import java.util.function.Supplier;

/**
 * How an overlapped attempt ends, for a single input ({@link OverlappedInput}) and an HLS folder
 * ({@link OverlappedHlsInput}) alike: ffmpeg runs while its input still arrives, and when both are over the
 * failure that explains the end is the one reported.
 */
final class OverlappedRun {
  private OverlappedRun() {}

  /**
   * Runs ffmpeg on {@code job} while the transfer goes on.
   *
   * @param context the task's context (stopped by a cancel or a lost lease)
   * @param transferFailure the transfer's failure so far, or null
   * @return ffmpeg's result, or {@code null} when the task was stopped and ffmpeg did not fail first
   * @throws RuntimeException the transfer's failure before ffmpeg's: on a cut input ffmpeg's error is only its
   *     confusion about a truncated file, the transfer's says what happened
   */
  static FfmpegResult run(FfmpegRunner runner, FfmpegJob job, TaskContext context,
      Supplier<RuntimeException> transferFailure) {
    FfmpegResult result = null;
    RuntimeException ffmpegFailure = null;
    try {
      result = runner.run(job);
    } catch (RuntimeException e) {
      ffmpegFailure = e;
    }
    // Read before the caller stops the transfer: a failure from then on is of data ffmpeg no longer needs.
    RuntimeException transfer = transferFailure.get();
    if (context.isStopped()) {
      if (ffmpegFailure != null) {
        throw ffmpegFailure;
      }
      return null;
    }
    if (transfer != null) {
      throw transfer;
    }
    if (ffmpegFailure != null) {
      throw ffmpegFailure;
    }
    return result;
  }

  /** Waits for the transfer's thread; an interrupt stops the transfer, which is waited for all the same. */
  static void join(Thread thread, InputFetchScope scope) {
    join(thread, (Runnable) scope::abort);
  }

  /**
   * Waits for {@code thread} however this one is interrupted, running {@code onInterrupt} at each interrupt
   * (to make the thread end), and keeps the interrupt for the caller.
   */
  static void join(Thread thread, Runnable onInterrupt) {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
        onInterrupt.run();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
