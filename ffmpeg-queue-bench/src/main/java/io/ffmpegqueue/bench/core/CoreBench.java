package io.ffmpegqueue.bench.core;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * The core queue's benchmark: the in-memory backend and the worker machinery with a no-op handler, beside
 * a plain {@link java.util.concurrent.ThreadPoolExecutor} and JobRunr doing the same no-op work in the same
 * run, plus the heap held by a million pending tasks. Prints a report; nothing runs in {@code verify}.
 *
 * <pre>
 * ./mvnw -q -pl ffmpeg-queue-bench -am package -DskipTests
 * java -Xms4g -Xmx4g -cp 'ffmpeg-queue-bench/target/classes:ffmpeg-queue-bench/target/lib/*' \
 *     io.ffmpegqueue.bench.core.CoreBench
 * </pre>
 *
 * <p>Options ({@code --name value}): {@code workers} (2), {@code tasks} per throughput round (500000),
 * {@code window}, the most tasks in flight while measuring throughput (10000, the queue's default capacity;
 * 0 for no bound),
 * {@code rounds} (3, after one warm-up round), {@code rate} of the latency runs in tasks/s (125000, half
 * the 250,000 goal), {@code latency-seconds} (3), {@code jobrunr-tasks} (50000), {@code pending} (1000000),
 * {@code phases} (throughput,latency,jobrunr,memory), {@code systems} of the throughput phase
 * (queue,listener,pool; the last one listed is the ratios' base). Every run stops after {@code max-seconds} (120).
 */
public final class CoreBench {
  private final Map<String, String> options;
  private final int workers;
  private final int tasks;
  private final int rounds;
  private final double rate;
  private final double latencySeconds;
  private final int jobrunrTasks;
  private final int pending;
  private final int window;
  private final Duration maxRun;
  private final Set<String> phases;

  private CoreBench(Map<String, String> options) {
    this.options = options;
    workers = intOption("workers", 2);
    tasks = intOption("tasks", 500_000);
    rounds = intOption("rounds", 3);
    rate = intOption("rate", 125_000);
    latencySeconds = Double.parseDouble(options.getOrDefault("latency-seconds", "3"));
    jobrunrTasks = intOption("jobrunr-tasks", 50_000);
    pending = intOption("pending", 1_000_000);
    window = intOption("window", 10_000);
    maxRun = Duration.ofSeconds(intOption("max-seconds", 120));
    phases = Set.of(options.getOrDefault("phases", "throughput,latency,jobrunr,memory").split(","));
  }

  /** Runs the phases named in {@code --phases} and prints the figures. */
  public static void main(String[] args) throws Exception {
    // JobRunr and the queue log through SLF4J; only warnings belong in a benchmark's report.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("options are --name value pairs; got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    new CoreBench(options).run();
  }

  private int intOption(String name, int dflt) {
    return Integer.parseInt(options.getOrDefault(name, Integer.toString(dflt)).replace("_", ""));
  }

  private void run() throws Exception {
    System.out.printf("CoreBench: java %s (%s), %d processors, max heap %d MiB%n",
        System.getProperty("java.version"), System.getProperty("java.vm.name"),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf("JVM flags: %s%n", ManagementFactory.getRuntimeMXBean().getInputArguments());
    System.out.printf("options: workers=%d tasks=%d window=%d rounds=%d rate=%.0f/s latency-seconds=%.1f jobrunr-tasks=%d pending=%d%n",
        workers, tasks, window, rounds, rate, latencySeconds, jobrunrTasks, pending);
    System.out.printf("load average at start: %.2f%n%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

    double queueMax = Double.NaN;
    if (phases.contains("throughput")) {
      queueMax = throughputPhase();
    }
    if (phases.contains("latency")) {
      latencyPhase(queueMax);
    }
    if (phases.contains("jobrunr")) {
      jobrunrPhase();
    }
    if (phases.contains("memory")) {
      PendingHeap.measure(pending);
    }
    System.out.printf("load average at end: %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /** Submit to completed throughput: the median of the rounds after a warm-up; returns the queue's. */
  private double throughputPhase() throws Exception {
    System.out.printf("== Throughput: %,d no-op tasks submitted as fast as one thread can (at most %,d in flight), until all completed%n",
        tasks, window);
    int kinds = 3;
    double[][] results = new double[kinds][rounds];
    double[][] cpu = new double[kinds][rounds];
    Set<String> only = Set.of(options.getOrDefault("systems", "queue,listener,pool").split(","));
    // Each system is made once and runs every round, as a long-running host would: later rounds see warm
    // code and grown tables, not the first fill of an empty queue.
    List<NoOpSystem> systems = new ArrayList<>();
    try {
      if (only.contains("queue")) {
        systems.add(new QueueSystem(workers, tasks, StartTimes.NONE, false));
      }
      if (only.contains("listener")) {
        systems.add(new QueueSystem(workers, tasks, StartTimes.NONE, true));
      }
      if (only.contains("pool")) {
        systems.add(new PoolSystem(workers, StartTimes.NONE));
      }
      for (int round = -1; round < rounds; round++) {
        // Systems take turns in each round, so that a noisy neighbour spreads over all of them.
        for (int s = 0; s < systems.size(); s++) {
          NoOpSystem system = systems.get(s);
          Throughput t = throughput(system, (round + 1) * tasks, tasks);
          System.out.printf("  %s %-55s %s%n", round < 0 ? "warm-up" : "round " + (round + 1), system.name(), t);
          if (round >= 0) {
            results[s][round] = t.perSecond;
            cpu[s][round] = t.cpuMicrosPerTask;
          }
        }
      }
    } finally {
      for (NoOpSystem system : systems) {
        system.close();
      }
    }
    double last = median(results[systems.size() - 1]);
    System.out.println("  median of the rounds:");
    for (int s = 0; s < systems.size(); s++) {
      double m = median(results[s]);
      System.out.printf("    %-55s %,12.0f tasks/s  = %.3f x the last  (CPU %.2f us/task)%n", systems.get(s).name(), m,
          m / last, median(cpu[s]));
    }
    System.out.println();
    return median(results[0]);
  }

  private void latencyPhase(double queueMax) throws Exception {
    int count = (int) (rate * latencySeconds);
    int warm = (int) Math.min(count, rate); // a second at the same rate first
    System.out.printf("== Latency submit -> started at %,.0f tasks/s (rate-limited, %.1f s measured after %,d warm-up tasks)%n",
        rate, latencySeconds, warm);
    List<Latency> all = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      StartTimes q = new StartTimes(warm + count);
      try (NoOpSystem s = new QueueSystem(workers, warm + count, q, false)) {
        all.add(print(latency(s, q, rate, warm, count)));
      }
      StartTimes p = new StartTimes(warm + count);
      try (NoOpSystem s = new PoolSystem(workers, p)) {
        all.add(print(latency(s, p, rate, warm, count)));
      }
    }
    if (!Double.isNaN(queueMax) && Math.abs(queueMax / 2 - rate) > rate * 0.1) {
      double half = queueMax / 2;
      int n = (int) (half * latencySeconds);
      int w = (int) Math.min(n, half);
      System.out.printf("  and at half the queue's own median throughput, %,.0f tasks/s:%n", half);
      StartTimes q = new StartTimes(w + n);
      try (NoOpSystem s = new QueueSystem(workers, w + n, q, false)) {
        print(latency(s, q, half, w, n));
      }
    }
    System.out.println();
  }

  private void jobrunrPhase() throws Exception {
    int jobrunrWorkers = intOption("jobrunr-workers", workers);
    System.out.printf("== JobRunr beside the queue: %,d no-op jobs each%n", jobrunrTasks);
    double jobrunrMax = 0;
    for (int round = -1; round < 2; round++) {
      try (NoOpSystem s = new JobRunrSystem(jobrunrWorkers, StartTimes.NONE)) {
        Throughput t = throughput(s, 0, jobrunrTasks);
        System.out.printf("  %s %-55s %s%n", round < 0 ? "warm-up" : "round " + (round + 1), s.name(), t);
        if (round >= 0) {
          jobrunrMax = Math.max(jobrunrMax, t.perSecond);
        }
      }
      try (NoOpSystem s = new QueueSystem(workers, jobrunrTasks, StartTimes.NONE, false)) {
        Throughput t = throughput(s, 0, jobrunrTasks);
        System.out.printf("  %s %-55s %s%n", round < 0 ? "warm-up" : "round " + (round + 1), s.name(), t);
      }
    }
    double half = jobrunrMax / 2;
    int n = (int) Math.min(jobrunrTasks, half * Math.max(latencySeconds, 10));
    System.out.printf("  enqueue -> start latency at half JobRunr's best throughput, %,.0f tasks/s, %,d jobs:%n", half, n);
    StartTimes j = new StartTimes(n);
    try (NoOpSystem s = new JobRunrSystem(jobrunrWorkers, j)) {
      print(latency(s, j, half, 0, n));
    }
    StartTimes q = new StartTimes(n);
    try (NoOpSystem s = new QueueSystem(workers, n, q, false)) {
      print(latency(s, q, half, 0, n));
    }
    System.out.println();
  }

  /**
   * @param cpuMicrosPerTask the process's CPU time (all threads, GC and JIT included) per task: unlike the
   *     rate, it hardly depends on what else the shared machine runs meanwhile
   * @param gcMillis time the collectors report for the run
   */
  private record Throughput(double perSecond, double submitPerSecond, double seconds, double cpuMicrosPerTask,
      long gcMillis, double bytesPerTask) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%,12.0f tasks/s  (submit %,.0f/s, %.2f s, CPU %.2f us/task, %,.0f B allocated/task, GC %d ms)",
          perSecond, submitPerSecond, seconds, cpuMicrosPerTask, bytesPerTask, gcMillis);
    }
  }

  /** Submits tasks {@code from} to {@code from + n} and waits until every task so far has finished. */
  private Throughput throughput(NoOpSystem system, int from, int n) throws Exception {
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
        (Resources.processCpuNanos() - cpu0) / 1e3 / n, Resources.gcMillis() - gc0,
        (Resources.allocatedBytes() - alloc0) / (double) n);
  }

  private record Latency(String name, double rate, double achievedRate, int count, long p50, long p99, long p999, long max) {}

  /**
   * Submits {@code warm + count} tasks at {@code rate} (open loop: each task has a due time and is submitted
   * when it is due, in small bursts when the submitter oversleeps) and measures from the submit call to the
   * start of the task's work, for the last {@code count}.
   */
  private Latency latency(NoOpSystem system, StartTimes times, double rate, int warm, int count) throws Exception {
    System.gc();
    int total = warm + count;
    double interval = 1e9 / rate;
    long deadline = System.nanoTime() + maxRun.toNanos();
    long t0 = System.nanoTime();
    long measuredFrom = 0;
    int i = 0;
    while (i < total) {
      long now = System.nanoTime();
      if (now - deadline > 0) {
        throw new IllegalStateException(system.name() + ": submitting took longer than " + maxRun);
      }
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
    return new Latency(system.name(), rate, count / seconds(submittedAt - measuredFrom), count,
        StartTimes.quantile(l, 0.50), StartTimes.quantile(l, 0.99), StartTimes.quantile(l, 0.999), l[l.length - 1]);
  }

  private static Latency print(Latency l) {
    System.out.printf("  %-55s at %,9.0f/s: p50 %s  p99 %s  p99.9 %s  max %s  (%,d tasks)%n",
        l.name, l.achievedRate, micros(l.p50), micros(l.p99), micros(l.p999), micros(l.max), l.count);
    return l;
  }

  private void checkDeadline(NoOpSystem system, long deadline) {
    if (System.nanoTime() - deadline > 0) {
      throw new IllegalStateException(system.name() + ": submitting took longer than " + maxRun);
    }
  }

  private void awaitFinished(NoOpSystem system, int n, long deadline) {
    while (!system.finished(n)) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(system.name() + ": not all " + n + " tasks finished within " + maxRun);
      }
      LockSupport.parkNanos(100_000);
    }
  }

  private static String micros(long nanos) {
    return String.format(Locale.ROOT, "%,9.1f us", nanos / 1e3);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
