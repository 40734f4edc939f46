package io.ffmpegqueue.spi;

import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.ffmpeg.Progress;
import java.time.Instant;

/**
 * What a {@link TaskHandler} gets for one attempt: the task, a way to report progress, and the stop signal
 * for cancel, timeout and shutdown.
 */
public interface TaskContext {
  /** The task as claimed for this attempt. */
  Task task();

  /** Reports progress; cheap to call often (the queue publishes and persists it at a bounded rate). */
  void reportProgress(Progress progress);

  /** Why the task was asked to stop, or {@code null} while it may go on. */
  StopReason stopReason();

  /** Whether the task was asked to stop. */
  default boolean isStopped() {
    return stopReason() != null;
  }

  /**
   * Runs {@code action} once when the task is asked to stop (at once if it already was), on the thread that
   * stops it. Used to kill a process or abort a transfer. Close the subscription when the step ends.
   */
  Subscription onStop(Runnable action);

  /** When this attempt must end; the queue stops the task then. */
  Instant deadline();
}
