package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one INFO line a worker logs when it starts an attempt and the one when the attempt ends, so that an
 * operator reading a worker's log sees every task it ran: id, attempt, duration and outcome.
 */
final class TaskLog {
  private static final Logger log = LoggerFactory.getLogger(TaskLog.class);

  private TaskLog() {}

  static void started(Lease lease) {
    if (log.isInfoEnabled()) {
      log.info(startLine(lease));
    }
  }

  static void ended(Lease lease, String outcome, long startNanos) {
    if (log.isInfoEnabled()) {
      log.info(endLine(lease, outcome, Duration.ofNanos(System.nanoTime() - startNanos)));
    }
  }

  /** The outcome's word for an attempt that ended with {@code event} (null: released or dropped). */
  static String outcome(TaskEvent.Type event, Outcome outcome) {
    if (event == null) {
      return outcome instanceof Outcome.Released ? "released" : outcome instanceof Outcome.Await ? "awaiting" : "dropped";
    }
    return event.name().toLowerCase(Locale.ROOT);
  }

  static String startLine(Lease lease) {
    int max = lease.task().request().maxAttempts();
    return "task " + lease.taskId() + ": attempt " + lease.attempt() + (max > 0 ? " of " + max : "") + " started";
  }

  static String endLine(Lease lease, String outcome, Duration took) {
    return "task " + lease.taskId() + ": attempt " + lease.attempt() + " ended: " + outcome + " after "
        + String.format(Locale.ROOT, "%.1f s", took.toMillis() / 1000.0);
  }
}
