package io.ffmpegqueue.spi;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import java.time.Instant;
import java.util.Objects;

/**
 * A worker's hold on a running task. Its {@link #fence() fencing token} is the number of attempts the task has
 * started over its whole life: writes with an older one are refused (a lease ended by {@link Outcome.Released}
 * or {@link Outcome.Await} is never used again). It equals the task's {@link Task#attempt() attempt} until the
 * task is retried by hand ({@link TaskAdmin#retry}): the attempt then counts from 0 again for the new series,
 * while the token goes on from the attempts of the series before, so a lease of an old series never matches one
 * of a new series.
 *
 * @param task the task as claimed: RUNNING, with this attempt's number
 * @param workerId the worker that holds it
 * @param expiresAt when the lease lapses unless renewed (on the backend's clock)
 * @param fence the fencing token: the attempts of the task's earlier series plus {@code task.attempt()}
 */
public record Lease(Task task, String workerId, Instant expiresAt, int fence) {
  /** Checks the fields. */
  public Lease {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (fence < task.attempt()) {
      throw new IllegalArgumentException("fence " + fence + " is below the task's attempt " + task.attempt());
    }
  }

  /** A lease of a task never retried by hand: its fencing token is its attempt. */
  public Lease(Task task, String workerId, Instant expiresAt) {
    this(task, workerId, expiresAt, task.attempt());
  }

  /** The leased task's id. */
  public TaskId taskId() {
    return task.id();
  }

  /** The attempt this lease is for, within the task's current series (as users see it). */
  public int attempt() {
    return task.attempt();
  }
}
