package io.ffmpegqueue.memory;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spi.Outcome;
import java.time.Instant;
import java.util.List;

/** The snapshots a task moves through in the in-memory backend: claimed, ended by an attempt, expired, cancelled. */
final class TaskStates {
  // Every completed task's progress: one shared box rather than a new one per task.
  private static final Double DONE = 1.0;

  private TaskStates() {}

  /**
   * RUNNING, next attempt, no progress yet, started {@code now}. The constructor rather than toBuilder():
   * every task passes here, and the builder was one more object each time.
   */
  static Task claimed(Task p, Instant now) {
    return new Task(p.id(), p.request(), TaskStatus.RUNNING, p.attempt() + 1, null, p.outputs(), p.error(),
        p.createdAt(), p.runAt(), now, p.finishedAt(), List.of());
  }

  /** The snapshot after an attempt ended with {@code outcome}. */
  static Task ended(Task task, Outcome outcome, Instant now) {
    if (outcome instanceof Outcome.Completed c) {
      // The common end, built without a builder (see claimed).
      return new Task(task.id(), task.request(), TaskStatus.COMPLETED, task.attempt(), DONE, c.outputs(), null,
          task.createdAt(), task.runAt(), task.startedAt(), now, List.of());
    }
    Task.Builder next = task.toBuilder();
    if (outcome instanceof Outcome.Failed f) {
      if (f.retryAt() == null) {
        next.status(TaskStatus.FAILED).error(f.error()).finishedAt(now);
      } else {
        next.status(TaskStatus.PENDING).error(f.error()).runAt(f.retryAt()).progress(null);
      }
    } else if (outcome instanceof Outcome.Cancelled c) {
      String reason = c.reason() == null ? "cancelled while running" : c.reason();
      next.status(TaskStatus.CANCELLED).error(TaskError.of(ErrorKind.CANCELLED, reason)).finishedAt(now);
    } else {
      // Released at a worker's shutdown: not an attempt of the task's own, so it is not counted.
      next.status(TaskStatus.PENDING).attempt(task.attempt() - 1).runAt(now).progress(null);
    }
    return next.build();
  }

  /** The snapshot after {@code owner}'s lease expired: FAILED when no attempt is left, else PENDING again. */
  static Task expired(Task task, String owner, Instant now) {
    String message = "worker " + owner + " stopped renewing its lease on attempt " + task.attempt();
    if (task.attempt() >= Math.max(1, task.request().maxAttempts())) {
      return task.toBuilder().status(TaskStatus.FAILED)
          .error(TaskError.of(ErrorKind.LEASE_EXPIRED, message + "; no attempts left"))
          .finishedAt(now).build();
    }
    return task.toBuilder().status(TaskStatus.PENDING).progress(null).runAt(now)
        .error(TaskError.of(ErrorKind.LEASE_EXPIRED, message)).build();
  }

  /** A PENDING task cancelled before it started. */
  static Task cancelledPending(Task task, Instant now) {
    return task.toBuilder()
        .status(TaskStatus.CANCELLED)
        .error(TaskError.of(ErrorKind.CANCELLED, "cancelled before it started"))
        .finishedAt(now)
        .build();
  }
}
