package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * An attempt's end as the backend writes it: the row to write, the snapshot so far (the database adds its
 * times), and the event it is.
 *
 * @param row the row to write
 * @param next the snapshot after the end, but for the database's values
 * @param event the event it is, or {@code null} for a release (only a ready notice)
 */
public record AttemptEnd(Finishes.Ending row, Task.Builder next, TaskEvent.Type event) {

  /** The end of {@code lease} with {@code outcome}; a retry's time is turned into a delay from {@code now}. */
  public static AttemptEnd of(Lease lease, Outcome outcome, Instant now) {
    Objects.requireNonNull(outcome, "outcome");
    if (outcome instanceof Outcome.Await) {
      // Not a TaskContinuations backend (yet): refused before any write, never mistaken for a hand-back.
      throw new UnsupportedOperationException("this backend does not take Outcome.Await (see TaskContinuations)");
    }
    Task.Builder next = lease.task().toBuilder();
    String status;
    String outputs = null;
    String error = null;
    Long delay = null;
    TaskEvent.Type event;
    if (outcome instanceof Outcome.Completed done) {
      status = "COMPLETED";
      outputs = TaskRows.outputsJson(done.outputs());
      next.status(TaskStatus.COMPLETED).outputs(done.outputs()).error(null);
      event = TaskEvent.Type.COMPLETED;
    } else if (outcome instanceof Outcome.Failed f && f.retryAt() == null) {
      status = "FAILED";
      error = TaskRows.errorJson(f.error());
      next.status(TaskStatus.FAILED).error(f.error());
      event = TaskEvent.Type.FAILED;
    } else if (outcome instanceof Outcome.Failed f) {
      status = "PENDING";
      error = TaskRows.errorJson(f.error());
      // The worker's clock says when; the delay from now is what carries over to the database's clock.
      delay = Duration.between(now, f.retryAt()).toMillis();
      next.status(TaskStatus.PENDING).error(f.error());
      event = TaskEvent.Type.RETRY_SCHEDULED;
    } else if (outcome instanceof Outcome.Cancelled c) {
      status = "CANCELLED";
      TaskError e = TaskError.of(ErrorKind.CANCELLED, c.reason() == null ? "cancelled while running" : c.reason());
      error = TaskRows.errorJson(e);
      next.status(TaskStatus.CANCELLED).error(e);
      event = TaskEvent.Type.CANCELLED;
    } else {
      status = "PENDING";
      // Released at a worker's shutdown: not counted as an attempt (the statement takes it back too).
      next.status(TaskStatus.PENDING).attempt(lease.attempt() - 1);
      event = null; // released: only a ready notice
    }
    return new AttemptEnd(new Finishes.Ending(lease, status, outputs, error, delay), next, event);
  }

  /**
   * The task after its end was written, with the database's values, its event buffered and the workers woken
   * when it is PENDING again; null when the lease was not current ({@code ended} is null).
   */
  public Task after(Finishes.Ended ended, NoticeBuffer buffer, WakeUps wakeUps) {
    if (ended == null) {
      return null;
    }
    Task after = next.progress(ended.progress()).runAt(ended.runAt()).finishedAt(ended.finishedAt()).build();
    if (event != null) {
      buffer.event(event, after.id());
    }
    if (after.status() == TaskStatus.PENDING) {
      wakeUps.wakeAll();
      buffer.ready();
    }
    return after;
  }
}
