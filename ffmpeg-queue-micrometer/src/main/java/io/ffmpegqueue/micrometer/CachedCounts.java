package io.ffmpegqueue.micrometer;

import io.ffmpegqueue.TaskStatus;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task counts by status, asked of the queue at most once per refresh interval: every depth gauge reads
 * them on each scrape, and on a database backend each ask is a query.
 */
final class CachedCounts {
  private static final Logger log = LoggerFactory.getLogger(CachedCounts.class);

  private final Supplier<Map<TaskStatus, Long>> source;
  private final long refreshNanos;
  private Map<TaskStatus, Long> last;
  private long fetchedAtNanos;

  CachedCounts(Supplier<Map<TaskStatus, Long>> source, Duration refresh) {
    this.source = source;
    this.refreshNanos = refresh.toNanos();
  }

  /** The count of {@code status}, or NaN when the queue could never be asked. */
  synchronized double count(TaskStatus status) {
    long now = System.nanoTime();
    if (last == null || now - fetchedAtNanos >= refreshNanos) {
      try {
        last = source.get();
      } catch (RuntimeException e) {
        // Keep the last known counts: a scrape must not fail because the backend is briefly away.
        log.warn("could not read the queue's task counts: {}", e.toString());
      }
      fetchedAtNanos = now;
    }
    return last == null ? Double.NaN : last.getOrDefault(status, 0L);
  }
}
