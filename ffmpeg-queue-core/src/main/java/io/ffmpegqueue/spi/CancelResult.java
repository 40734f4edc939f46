package io.ffmpegqueue.spi;

import io.ffmpegqueue.Task;
import java.util.Objects;

/**
 * The answer of {@link QueueBackend#cancel}, and of {@link TaskAdmin#retry} and {@link TaskAdmin#delete} (the
 * task after the call, and whether the call changed it).
 *
 * @param task the task after the call: CANCELLED when it was pending, still RUNNING with a cancel
 *     requested when it was running, unchanged when it had ended
 * @param changed whether this call changed anything (false for a task that had ended, or a running one
 *     whose cancel was already requested)
 */
public record CancelResult(Task task, boolean changed) {
  /** Checks the task is present. */
  public CancelResult {
    Objects.requireNonNull(task, "task");
  }
}
