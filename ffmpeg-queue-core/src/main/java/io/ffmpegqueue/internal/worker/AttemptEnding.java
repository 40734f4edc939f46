package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.StopReason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the end of an attempt records: the outcome the backend stores and the event that tells of it, by
 * the stop reason, the failure and the retry policy.
 *
 * @param outcome what the backend records
 * @param event the event to publish after, or {@code null} for none
 * @param mayClaimNext whether the worker may claim its next task in the same call
 */
record AttemptEnding(Outcome outcome, TaskEvent.Type event, boolean mayClaimNext) {
  private static final Logger log = LoggerFactory.getLogger(AttemptEnding.class);

  /**
   * The ending of {@code t}: stopped, failed, or completed with {@code outputs}.
   *
   * @return the ending, or {@code null} when nothing may be recorded (the lease was lost)
   */
  static AttemptEnding of(RunningTask t, List<TaskOutput> outputs, Throwable failure, WorkerConfig config) {
    StopReason stop = t.stopReason();
    if (failure instanceof AwaitTasks a && (stop == null || stop == StopReason.CANCELLED)) {
      // Also when cancelled meanwhile: the backend then ends it CANCELLED with the tasks it enqueued, which a
      // plain Cancelled would leave behind (TaskContinuations).
      return new AttemptEnding(new Outcome.Await(a.tasks()), null, false);
    }
    if (stop != null) {
      return stopped(t, stop, config);
    }
    if (failure != null) {
      return failed(t, failure, config);
    }
    return new AttemptEnding(new Outcome.Completed(outputs == null ? List.of() : outputs),
        TaskEvent.Type.COMPLETED, true);
  }

  private static AttemptEnding stopped(RunningTask t, StopReason stop, WorkerConfig config) {
    Lease lease = t.lease();
    return switch (stop) {
      case CANCELLED -> new AttemptEnding(new Outcome.Cancelled("cancelled while running"), TaskEvent.Type.CANCELLED,
          true);
      case TIMED_OUT -> {
        Duration timeout = Duration.between(lease.task().startedAt(), t.deadline());
        yield failed(t, new TaskFailureException(ErrorKind.TIMEOUT,
            "ran longer than its timeout of " + human(timeout) + " and was stopped", false), config);
      }
      case SHUTDOWN -> {
        log.info("task {}: released at shutdown; it will run again", lease.taskId());
        yield new AttemptEnding(new Outcome.Released(), null, false);
      }
      case LEASE_LOST -> {
        log.warn("task {}: attempt {} stopped after its lease was lost; its result is dropped",
            lease.taskId(), lease.attempt());
        yield null;
      }
    };
  }

  private static AttemptEnding failed(RunningTask t, Throwable e, WorkerConfig config) {
    Lease lease = t.lease();
    TaskFailureException f = e instanceof TaskFailureException tf ? tf
        : new TaskFailureException(ErrorKind.INTERNAL, "unexpected error: " + e, true, null, e);
    if (!(e instanceof TaskFailureException)) {
      log.warn("task {}: attempt {} failed unexpectedly", lease.taskId(), lease.attempt(), e);
    }
    Task task = lease.task();
    int max = Math.max(1, task.request().maxAttempts());
    TaskError error = f.toError();
    if (config.retryPolicy().shouldRetry(f, lease.attempt(), max)) {
      Instant retryAt = config.clock().instant().plus(config.retryPolicy().backoff(lease.attempt()));
      log.info("task {}: attempt {} of {} failed ({}), retrying at {}: {}",
          task.id(), lease.attempt(), max, f.kind().wireName(), retryAt, f.getMessage());
      return new AttemptEnding(new Outcome.Failed(error, retryAt), TaskEvent.Type.RETRY_SCHEDULED, true);
    }
    log.info("task {}: failed ({}) on attempt {}: {}", task.id(), f.kind().wireName(), lease.attempt(), f.getMessage());
    return new AttemptEnding(new Outcome.Failed(error, null), TaskEvent.Type.FAILED, true);
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    if (s >= 3600 && s % 3600 == 0) {
      return (s / 3600) + " h";
    }
    if (s >= 60 && s % 60 == 0) {
      return (s / 60) + " min";
    }
    if (s > 0) {
      return s + " s";
    }
    return d.toMillis() + " ms";
  }
}
