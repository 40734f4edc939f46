package io.ffmpegqueue;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The queue at a glance: counts by status and the last hour's throughput, queue wait and run time, as a
 * backend computes them ({@link io.ffmpegqueue.spi.TaskAdmin#stats()}). Queue wait is from a task's
 * creation (or retry) to the start of its last attempt; run time from that start to its end. A backend
 * that cannot compute a figure cheaply leaves it {@code null} (and says so in its javadoc).
 *
 * @param at when the figures were taken
 * @param counts how many tasks there are of each status (every status is a key)
 * @param scheduled how many PENDING tasks wait for a run time still to come
 * @param completedPerMinute tasks completed in each of the last 60 minutes, oldest first (60 entries)
 * @param failedPerMinute tasks failed in each of the last 60 minutes, oldest first (60 entries)
 * @param waitP50 the median queue wait of tasks that ended in the last hour, or {@code null}
 * @param waitP95 the 95th percentile queue wait, or {@code null}
 * @param runP50 the median run time of tasks that ended in the last hour, or {@code null}
 * @param runP95 the 95th percentile run time, or {@code null}
 */
public record QueueStats(
    Instant at,
    Map<TaskStatus, Long> counts,
    long scheduled,
    List<Long> completedPerMinute,
    List<Long> failedPerMinute,
    Duration waitP50,
    Duration waitP95,
    Duration runP50,
    Duration runP95) {
  /** Minutes in the throughput series. */
  public static final int MINUTES = 60;

  /** Checks and copies the fields. */
  public QueueStats {
    Objects.requireNonNull(at, "at");
    Map<TaskStatus, Long> all = new EnumMap<>(TaskStatus.class);
    for (TaskStatus s : TaskStatus.values()) {
      all.put(s, counts.getOrDefault(s, 0L));
    }
    counts = Map.copyOf(all);
    completedPerMinute = checkSeries(completedPerMinute, "completedPerMinute");
    failedPerMinute = checkSeries(failedPerMinute, "failedPerMinute");
  }

  private static List<Long> checkSeries(List<Long> series, String name) {
    if (series.size() != MINUTES) {
      throw new IllegalArgumentException(name + " must have " + MINUTES + " entries, got " + series.size());
    }
    return List.copyOf(series);
  }

  /**
   * The minute (0 oldest .. 59 this one) of the last hour that {@code time} falls in at {@code now}, or -1 when
   * it is outside the hour.
   */
  public static int minuteOf(Instant time, Instant now) {
    long ago = Duration.between(time, now).toMinutes();
    return time.isAfter(now) || ago >= MINUTES ? -1 : (int) (MINUTES - 1 - ago);
  }

  /** The {@code p}-th percentile (0..100, nearest rank) of sorted {@code millis}, or {@code null} when empty. */
  public static Duration percentile(long[] sortedMillis, int p) {
    if (sortedMillis.length == 0) {
      return null;
    }
    int rank = (int) Math.ceil(p / 100.0 * sortedMillis.length);
    return Duration.ofMillis(sortedMillis[Math.max(0, rank - 1)]);
  }
}
