package io.ffmpegqueue.bench.core;

import java.util.Arrays;

/**
 * When each task was submitted and when its work started, by sequence number, on {@link System#nanoTime()}.
 * Slots are written once each, by the submitter and by whichever thread runs the task; the arrays are read
 * only after the run has finished, which happens-after both writes (the finish is observed through the
 * system's own synchronisation).
 */
final class StartTimes {
  /** Used when nobody measures: records nothing. */
  static final StartTimes NONE = new StartTimes(0);

  private final long[] submitted;
  private final long[] started;

  StartTimes(int tasks) {
    submitted = new long[tasks];
    started = new long[tasks];
  }

  void submitted(int seq, long nanos) {
    if (seq < submitted.length) {
      submitted[seq] = nanos;
    }
  }

  void started(int seq) {
    if (seq < started.length) {
      started[seq] = System.nanoTime();
    }
  }

  /** Submit to start latencies in nanoseconds of tasks {@code from} (inclusive) to {@code to}, sorted. */
  long[] sortedLatencies(int from, int to) {
    long[] l = new long[to - from];
    for (int i = from; i < to; i++) {
      if (started[i] == 0) {
        throw new IllegalStateException("task " + i + " never started");
      }
      l[i - from] = started[i] - submitted[i];
    }
    Arrays.sort(l);
    return l;
  }

  /** The value at quantile {@code q} (0..1) of sorted values, nearest rank. */
  static long quantile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }
}
