package io.ffmpegqueue.bench.postgres;

import java.util.Arrays;

/**
 * What one run measured.
 *
 * @param name which queue
 * @param tasks how many tasks
 * @param seconds from the first enqueue until every task had run and its end was written
 * @param enqueueSeconds from the first enqueue until the last
 * @param latenciesNanos each task's enqueue to start time
 * @param enqueueCpu CPU seconds (JVM, server) while enqueueing, in DRAIN mode
 * @param workCpu CPU seconds (JVM, server) of the timed part (the drain, in DRAIN mode)
 */
public record Result(String name, int tasks, double seconds, double enqueueSeconds, long[] latenciesNanos,
    double[] enqueueCpu, double[] workCpu) {

  /** Microseconds of CPU per task while enqueueing: JVM, server. */
  public double[] enqueueCpuMicros() {
    return new double[] {enqueueCpu[0] * 1e6 / tasks, enqueueCpu[1] * 1e6 / tasks};
  }

  /** Microseconds of CPU per task of the timed part: JVM, server. */
  public double[] workCpuMicros() {
    return new double[] {workCpu[0] * 1e6 / tasks, workCpu[1] * 1e6 / tasks};
  }

  public double throughput() {
    return tasks / seconds;
  }

  public double percentileMillis(double p) {
    long[] sorted = latenciesNanos.clone();
    Arrays.sort(sorted);
    int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100.0 * sorted.length) - 1));
    return sorted[i] / 1e6;
  }

  @Override
  public String toString() {
    return String.format("%-14s %7d tasks in %6.2f s = %8.0f tasks/s (enqueued in %5.2f s); enqueue->start p50 %8.2f ms,"
        + " p99 %8.2f ms; CPU us/task: enqueue %.0f+%.0f, work %.0f+%.0f (JVM+server)", name, tasks, seconds, throughput(),
        enqueueSeconds, percentileMillis(50), percentileMillis(99), enqueueCpuMicros()[0], enqueueCpuMicros()[1],
        workCpuMicros()[0], workCpuMicros()[1]);
  }
}
