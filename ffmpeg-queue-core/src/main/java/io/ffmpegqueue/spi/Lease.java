package io.ffmpegqueue.spi;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import java.time.Instant;
import java.util.Objects;

/**
 * A worker's hold on a running task. The task's {@link Task#attempt() attempt} is the fencing token:
 * writes with an older one are refused (a lease ended by {@link Outcome.Released} is never used again).
 *
 * @param task the task as claimed: RUNNING, with this attempt's number
 * @param workerId the worker that holds it
 * @param expiresAt when the lease lapses unless renewed (on the backend's clock)
 */
public record Lease(Task task, String workerId, Instant expiresAt) {
  /** Checks the fields. */
  public Lease {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** The leased task's id. */
  public TaskId taskId() {
    return task.id();
  }

  /** The fencing token: the attempt this lease is for. */
  public int attempt() {
    return task.attempt();
  }
}
