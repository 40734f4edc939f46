package io.ffmpegqueue.bench.core;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/** Drives one {@link NoOpSystem}: as fast as it goes (throughput), or at a fixed rate (latency). */
final class Harness {
  private final Duration maxRun;
  private final int window;

  /**
   * @param maxRun the longest one run may take; past it the run fails instead of hanging
   * @param window the most tasks in flight during a throughput run, 0 for no bound
   */
  Harness(Duration maxRun, int window) {
    this.maxRun = maxRun;
    this.window = window;
  }

  /**
   * One throughput run.
   *
   * @param perSecond tasks completed per second, from the first submission to the last completion
   * @param submitPerSecond submissions per second, over the submitting alone
   * @param seconds how long the run took
   * @param cpuMicrosPerTask the process's CPU time (all threads, GC and JIT included) per task: unlike the
   *     rate, it hardly depends on what else the shared machine runs meanwhile
   * @param bytesPerTask heap allocated per task, by all threads
   * @param gcMillis time the collectors report for the run
   */
  record Throughput(double perSecond, double submitPerSecond, double seconds, double cpuMicrosPerTask,
      double bytesPerTask, long gcMillis) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT,
          "%,11.0f tasks/s  (submit %,.0f/s, %.2f s, CPU %.2f us/task, %,.0f B allocated/task, GC %d ms)",
          perSecond, submitPerSecond, seconds, cpuMicrosPerTask, bytesPerTask, gcMillis);
    }
  }

  /**
   * Submits tasks {@code from} to {@code from + n} as fast as one thread can, keeping at most the window in
   * flight, and waits until every task so far has finished.
   */
  Throughput throughput(NoOpSystem system, int from, int n) {
    System.gc(); // the previous run's garbage is not this run's cost
    long deadline = System.nanoTime() + maxRun.toNanos();
    long cpu0 = Resources.processCpuNanos();
    long gc0 = Resources.gcMillis();
    long alloc0 = Resources.allocatedBytes();
    long t0 = System.nanoTime();
    for (int i = from; i < from + n; i++) {
      if ((i & 63) == 0) {
        // Bounded in flight, as the queue's capacity bounds it in production: a backlog of a whole run
        // would measure the garbage collector copying it more than the queue.
        while (window > 0 && i - system.ran() >= window) {
          checkDeadline(system, deadline);
          LockSupport.parkNanos(20_000);
        }
        checkDeadline(system, deadline);
      }
      system.submit(i);
    }
    long submitted = System.nanoTime();
    awaitFinished(system, from + n, deadline);
    long t1 = System.nanoTime();
    return new Throughput(n / seconds(t1 - t0), n / seconds(submitted - t0), seconds(t1 - t0),
        (Resources.processCpuNanos() - cpu0) / 1e3 / n, (Resources.allocatedBytes() - alloc0) / (double) n,
        Resources.gcMillis() - gc0);
  }

  /**
   * One latency run, submit to the start of the task's work.
   *
   * @param name the system
   * @param achievedRate the submission rate reached over the measured tasks
   * @param count how many tasks were measured
   * @param p50 the median, in nanoseconds
   * @param p99 the 99th percentile
   * @param p999 the 99.9th percentile
   * @param max the slowest
   * @param gcMillis time the collectors report for the whole run
   */
  record Latency(String name, double achievedRate, int count, long p50, long p99, long p999, long max, long gcMillis) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%-58s at %,9.0f/s: p50 %s  p99 %s  p99.9 %s  max %s  (%,d tasks, GC %d ms)",
          name, achievedRate, micros(p50), micros(p99), micros(p999), micros(max), count, gcMillis);
    }
  }

  /**
   * Submits {@code warm + count} tasks at {@code rate} (open loop: each task has a due time and is submitted
   * when due, in small bursts when the submitter oversleeps) and measures from the submit call to the start
   * of the task's work, for the last {@code count}.
   */
  Latency latency(NoOpSystem system, StartTimes times, double rate, int warm, int count) {
    System.gc();
    int total = warm + count;
    double interval = 1e9 / rate;
    long deadline = System.nanoTime() + maxRun.toNanos();
    long gc0 = Resources.gcMillis();
    long t0 = System.nanoTime();
    long measuredFrom = t0;
    int i = 0;
    while (i < total) {
      long now = System.nanoTime();
      checkDeadline(system, deadline);
      long due = t0 + (long) (i * interval);
      if (due - now > 0) {
        // Sleeping for short waits oversleeps by tens of microseconds; the tasks due meanwhile go together.
        LockSupport.parkNanos(due - now);
        continue;
      }
      while (i < total && t0 + (long) (i * interval) - now <= 0) {
        if (i == warm) {
          measuredFrom = System.nanoTime();
        }
        times.submitted(i, System.nanoTime());
        system.submit(i);
        i++;
      }
    }
    long submittedAt = System.nanoTime();
    awaitFinished(system, total, deadline);
    long[] l = times.sortedLatencies(warm, total);
    return new Latency(system.name(), count / seconds(submittedAt - measuredFrom), count,
        StartTimes.quantile(l, 0.50), StartTimes.quantile(l, 0.99), StartTimes.quantile(l, 0.999), l[l.length - 1],
        Resources.gcMillis() - gc0);
  }

  private void checkDeadline(NoOpSystem system, long deadline) {
    if (System.nanoTime() - deadline > 0) {
      throw new IllegalStateException(system.name() + ": the run took longer than " + maxRun);
    }
  }

  private void awaitFinished(NoOpSystem system, int n, long deadline) {
    while (!system.finished(n)) {
      checkDeadline(system, deadline);
      LockSupport.parkNanos(100_000);
    }
  }

  static String micros(long nanos) {
    return String.format(Locale.ROOT, "%,9.1f us", nanos / 1e3);
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
