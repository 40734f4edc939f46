package io.ffmpegqueue.bench.core;

import io.ffmpegqueue.bench.core.Harness.Latency;
import io.ffmpegqueue.bench.core.Harness.Throughput;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The core queue's benchmark: the in-memory backend and the worker machinery with a no-op handler, beside
 * a plain {@link java.util.concurrent.ThreadPoolExecutor} and JobRunr doing the same no-op work in the same
 * run, plus the heap held by a million pending tasks. Prints a report, ending with the goals; nothing of it
 * runs in {@code verify}.
 *
 * <pre>
 * ./mvnw -q -pl ffmpeg-queue-bench -am package -DskipTests
 * java -Xms4g -Xmx4g -cp 'ffmpeg-queue-bench/target/classes:ffmpeg-queue-bench/target/lib/*' \
 *     io.ffmpegqueue.bench.core.CoreBench
 * </pre>
 *
 * <p>Options, as {@code --name value}:
 * <ul>
 *   <li>{@code phases}: throughput,latency,jobrunr,memory (all)
 *   <li>{@code workers}: the queue's workers and the pool's threads (2, the queue's default)
 *   <li>{@code tasks}: tasks per throughput round (500000); {@code rounds} (3, after a warm-up round);
 *       {@code window}: the most tasks in flight while measuring throughput (10000, the queue's default
 *       capacity; 0 for no bound); {@code systems}: queue,listener,pool
 *   <li>{@code rate}: tasks/s of the latency runs (125000, half the 250,000 goal); {@code latency-seconds} (5)
 *   <li>{@code retention}: final tasks the queue keeps (0: the backend's default, 100,000)
 *   <li>{@code commands}: {@code same} (every request the same command text, as from one client template)
 *       or {@code distinct} (1,024 command texts, more than the queue remembers as accepted: every
 *       submission is parsed and checked against the policy)
 *   <li>{@code jobrunr-tasks} (10000); {@code jobrunr-workers} (16, JobRunr's default on 2 cores)
 *   <li>{@code pending}: tasks of the heap measure (1000000); {@code max-seconds}: the longest one run may
 *       take (180)
 * </ul>
 */
public final class CoreBench {
  private static final double GOAL_THROUGHPUT = 250_000;
  private static final long GOAL_P99_NANOS = 1_000_000;
  private static final long GOAL_HEAP_BYTES = 1L << 30;

  private final Map<String, String> options;
  private final Harness harness;
  private final int workers;
  private final int tasks;
  private final int rounds;
  private final double rate;
  private final double latencySeconds;
  private final int retention;
  private final boolean distinctCommands;
  private final int jobrunrTasks;
  private final int jobrunrWorkers;
  private final int pending;
  private final Set<String> phases;
  private final List<String> summary = new ArrayList<>();

  private CoreBench(Map<String, String> options) {
    this.options = options;
    workers = intOption("workers", 2);
    tasks = intOption("tasks", 500_000);
    rounds = intOption("rounds", 3);
    rate = intOption("rate", 125_000);
    latencySeconds = Double.parseDouble(options.getOrDefault("latency-seconds", "5"));
    retention = intOption("retention", 0);
    distinctCommands = options.getOrDefault("commands", "same").equals("distinct");
    jobrunrTasks = intOption("jobrunr-tasks", 10_000);
    jobrunrWorkers = intOption("jobrunr-workers", 8 * Runtime.getRuntime().availableProcessors());
    pending = intOption("pending", 1_000_000);
    phases = Set.of(options.getOrDefault("phases", "throughput,latency,jobrunr,memory").split(","));
    harness = new Harness(Duration.ofSeconds(intOption("max-seconds", 180)), intOption("window", 10_000));
  }

  /** Runs the phases named in {@code --phases} and prints the figures. */
  public static void main(String[] args) {
    // JobRunr and the queue log through SLF4J; only warnings belong in a benchmark's report.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("options are --name value pairs; got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    new CoreBench(options).run();
  }

  private int intOption(String name, int dflt) {
    return Integer.parseInt(options.getOrDefault(name, Integer.toString(dflt)).replace("_", ""));
  }

  private void run() {
    System.out.printf("CoreBench: java %s (%s), %d processors, max heap %d MiB%n",
        System.getProperty("java.version"), System.getProperty("java.vm.name"),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf("JVM flags: %s%n", ManagementFactory.getRuntimeMXBean().getInputArguments());
    System.out.printf("options: %s (defaults for the rest)%n", options);
    System.out.printf("load average at start: %.2f%n%n", loadAverage());
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
      PendingHeap.Held held = PendingHeap.measure(pending);
      summary.add(String.format("heap held by %,d pending tasks: %.2f GiB (%,d B/task); goal < 1 GiB: %s",
          held.tasks(), held.gib(), held.bytes() / held.tasks(), met(held.bytes() < GOAL_HEAP_BYTES)));
    }
    System.out.printf("load average at end: %.2f%n%n== Summary%n", loadAverage());
    summary.forEach(line -> System.out.println("  " + line));
  }

  /** Submit to completed throughput: the median of the rounds after a warm-up; returns the queue's. */
  private double throughputPhase() {
    System.out.printf("== Throughput: %,d no-op tasks a round, submitted as fast as one thread can, until all completed%n",
        tasks);
    Set<String> only = Set.of(options.getOrDefault("systems", "queue,listener,pool").split(","));
    // Each system is made once and runs every round, as in a long-running host: later rounds see warm code
    // and grown tables, not the first fill of an empty queue.
    List<NoOpSystem> systems = new ArrayList<>();
    double[][] perSecond = new double[3][rounds];
    double[][] cpu = new double[3][rounds];
    try {
      if (only.contains("queue")) {
        systems.add(new QueueSystem(workers, tasks, StartTimes.NONE, false, retention, distinctCommands));
      }
      if (only.contains("listener")) {
        systems.add(new QueueSystem(workers, tasks, StartTimes.NONE, true, retention, distinctCommands));
      }
      if (only.contains("pool")) {
        systems.add(new PoolSystem(workers, StartTimes.NONE));
      }
      for (int round = -1; round < rounds; round++) {
        // Systems take turns in each round, so that a noisy neighbour spreads over all of them.
        for (int s = 0; s < systems.size(); s++) {
          Throughput t = harness.throughput(systems.get(s), (round + 1) * tasks, tasks);
          System.out.printf("  %-8s %-58s %s%n", round < 0 ? "warm-up" : "round " + (round + 1), systems.get(s).name(), t);
          if (round >= 0) {
            perSecond[s][round] = t.perSecond();
            cpu[s][round] = t.cpuMicrosPerTask();
          }
        }
      }
    } finally {
      systems.forEach(NoOpSystem::close);
    }
    double base = Harness.median(perSecond[systems.size() - 1]);
    System.out.println("  median of the rounds:");
    for (int s = 0; s < systems.size(); s++) {
      double m = Harness.median(perSecond[s]);
      String line = String.format("%-58s %,11.0f tasks/s = %.4f x %s  (CPU %.2f us/task)", systems.get(s).name(), m,
          m / base, systems.get(systems.size() - 1).name(), Harness.median(cpu[s]));
      System.out.println("    " + line);
      summary.add("throughput " + line);
    }
    System.out.println();
    double queue = Harness.median(perSecond[0]);
    if (only.contains("queue")) {
      summary.add(String.format("goal >= 250,000 tasks/s end to end: %s (median %,.0f)", met(queue >= GOAL_THROUGHPUT), queue));
    }
    return queue;
  }

  private void latencyPhase(double queueMax) {
    int count = (int) (rate * latencySeconds);
    int warm = (int) rate; // a second at the same rate first
    System.out.printf("== Latency submit -> started at %,.0f tasks/s (rate-limited; %.1f s measured after a warm-up second)%n",
        rate, latencySeconds);
    long best = Long.MAX_VALUE;
    for (int round = 0; round < 2; round++) {
      StartTimes q = new StartTimes(warm + count);
      try (NoOpSystem s = new QueueSystem(workers, warm + count, q, false, retention, distinctCommands)) {
        Latency l = harness.latency(s, q, rate, warm, count);
        System.out.println("  " + l);
        summary.add("latency " + l);
        best = Math.min(best, l.p99());
      }
      StartTimes p = new StartTimes(warm + count);
      try (NoOpSystem s = new PoolSystem(workers, p)) {
        Latency l = harness.latency(s, p, rate, warm, count);
        System.out.println("  " + l);
        summary.add("latency " + l);
      }
    }
    summary.add(String.format("goal p99 submit -> start < 1 ms at %,.0f tasks/s: %s (better of two runs: %s)", rate,
        met(best < GOAL_P99_NANOS), Harness.micros(best).trim()));
    if (!Double.isNaN(queueMax) && queueMax / 2 < rate * 0.9) {
      // The queue could not reach twice the rate here: also at half of what it did reach.
      double half = queueMax / 2;
      int n = (int) (half * latencySeconds);
      int w = (int) half;
      System.out.printf("  and at half the queue's own median throughput, %,.0f tasks/s:%n", half);
      StartTimes q = new StartTimes(w + n);
      try (NoOpSystem s = new QueueSystem(workers, w + n, q, false, retention, distinctCommands)) {
        Latency l = harness.latency(s, q, half, w, n);
        System.out.println("  " + l);
        summary.add("latency " + l);
      }
    }
    System.out.println();
  }

  private void jobrunrPhase() {
    System.out.printf("== JobRunr beside the queue: %,d no-op jobs a round%n", jobrunrTasks);
    double jobrunrBest = 0;
    for (int round = -1; round < 2; round++) {
      try (NoOpSystem s = new JobRunrSystem(jobrunrWorkers, StartTimes.NONE)) {
        Throughput t = harness.throughput(s, 0, jobrunrTasks);
        System.out.printf("  %-8s %-58s %s%n", round < 0 ? "warm-up" : "round " + (round + 1), s.name(), t);
        if (round >= 0) {
          jobrunrBest = Math.max(jobrunrBest, t.perSecond());
          summary.add("throughput " + s.name() + " " + t);
        }
      }
      try (NoOpSystem s = new QueueSystem(workers, jobrunrTasks, StartTimes.NONE, false, retention, distinctCommands)) {
        Throughput t = harness.throughput(s, 0, jobrunrTasks);
        System.out.printf("  %-8s %-58s %s%n", round < 0 ? "warm-up" : "round " + (round + 1), s.name(), t);
      }
    }
    double half = jobrunrBest / 2;
    int n = (int) Math.max(100, Math.min(jobrunrTasks, half * 10));
    System.out.printf("  enqueue -> start latency at half JobRunr's best throughput, %,.0f tasks/s, %,d jobs:%n", half, n);
    StartTimes j = new StartTimes(n);
    try (NoOpSystem s = new JobRunrSystem(jobrunrWorkers, j)) {
      Latency l = harness.latency(s, j, half, 0, n);
      System.out.println("  " + l);
      summary.add("latency " + l);
    }
    StartTimes q = new StartTimes(n);
    try (NoOpSystem s = new QueueSystem(workers, n, q, false, retention, distinctCommands)) {
      Latency l = harness.latency(s, q, half, 0, n);
      System.out.println("  " + l);
      summary.add("latency " + l);
    }
    System.out.println();
  }

  private static String met(boolean met) {
    return met ? "MET" : "NOT MET";
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
