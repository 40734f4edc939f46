package io.ffmpegqueue.bench.amqp;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.amqp.AmqpBridge;
import io.ffmpegqueue.amqp.AmqpSettings;
import io.ffmpegqueue.postgres.PostgresQueueBackend;
import io.ffmpegqueue.spi.QueueBackend;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Our side of the AMQP benchmark ({@code ffmpeg-queue-bench/amqp/celery-bench.sh}): a queue whose handler
 * does nothing (the library's handler seam), in memory, behind the RabbitMQ bridge on one Celery queue. Runs
 * until its standard input closes, then prints the bridge's counters.
 *
 * <p>A line {@code drain QUEUE} on standard input moves the intake to another Celery queue, for the drain
 * measurement: the bridge prints its counters and closes, and a new bridge on the same {@code FfmpegQueue} (so
 * in the same JVM, its JIT as warm as a long-running worker's) starts on {@code QUEUE}, then prints
 * {@code ready QUEUE} with the JVM's uptime (to match {@code -XX:+PrintCompilation}'s times). The first bridge
 * closes rather than running beside the second: both would answer every task (where to answer rides in the
 * task, and each bridge answers the events of its process), doubling the results and events.
 *
 * <p>A line {@code jit} prints {@code jit N gc C M}: the JIT's compiling time so far in ms (the script warms the
 * JVM up until it stops growing), and the GC's collections and their pauses in ms so far. A line {@code stats}
 * prints the counters without closing anything. Task lines (INFO) are off unless
 * {@code -Dorg.slf4j.simpleLogger.defaultLogLevel} says otherwise, as Celery's worker runs at
 * {@code --loglevel=warning}.
 *
 * <p>Arguments: broker URL, Celery queue, workers, and optionally the backend: {@code memory} (the default),
 * {@code postgres} (an embedded PostgreSQL, each Celery result kept in its message outbox until confirmed) or
 * {@code postgres-no-outbox} (the same without the outbox, to measure what it costs).
 */
public final class IntakeUnderTest {
  private IntakeUnderTest() {}

  private static long cpuMillis() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1_000_000;
  }

  /**
   * CPU time of the live threads, by name with the digits dropped (ffq-worker-1 and -2 together); the JIT
   * compiler and GC threads are not among them, the process CPU time has them.
   */
  private static java.util.Map<String, Long> threadCpu() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    java.util.Map<String, Long> byName = new java.util.TreeMap<>();
    for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (t != null) {
        long ns = mx.getThreadCpuTime(t.getThreadId());
        byName.merge(t.getThreadName().replaceAll("[0-9]+", "N"), ns / 1_000_000, Long::sum);
      }
    }
    byName.values().removeIf(ms -> ms < 50);
    return byName;
  }

  /** Starts the queue and the bridge; stops when standard input ends. */
  public static void main(String[] args) throws IOException {
    // Task lines (INFO) off, as Celery's worker runs in the script (--loglevel=warning): the worker's own
    // per-task logging is not what is compared. -Dorg.slf4j.simpleLogger.defaultLogLevel=info turns them on.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    String url = args[0];
    String queueName = args[1];
    int workers = Integer.parseInt(args[2]);
    List<TaskOutput> none = List.of(new TaskOutput("out.mp4", URI.create("memory://out.mp4"), 0, null, null, null, null));
    String kind = args.length > 3 ? args[3] : "memory";
    EmbeddedPostgres pg = kind.equals("memory") ? null : EmbeddedPostgres.builder().start();
    PostgresQueueBackend postgres = pg == null ? null : PostgresQueueBackend.builder(pool(pg)).build();
    QueueBackend backend = postgres == null ? null
        : kind.equals("postgres-no-outbox") ? new OutboxToggle(postgres) : postgres;
    FfmpegQueue.Builder qb = FfmpegQueue.builder().workers(workers).handler(ctx -> none);
    if (backend != null) {
      qb.backend(backend);
    }
    try (FfmpegQueue queue = qb.build()) {
      // The worker's own rate, to set beside the client's: when the tasks ended, from the first to the last.
      Ends ended = new Ends();
      queue.subscribe(TaskEvent.Type.COMPLETED, e -> ended.end(System.nanoTime()));
      AmqpBridge bridge = start(queue, url, queueName);
      long cpuAtStart = cpuMillis();
      long jitAtStart = jitMillis();
      try {
        System.out.println("ready " + queueName);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (line.startsWith("drain ")) {
            System.out.println(counters(bridge, ended, cpuAtStart, jitAtStart)); // before its intake threads stop
            bridge.close();
            ended.reset(); // before the new bridge takes its first message
            bridge = start(queue, url, line.substring("drain ".length()).trim());
            cpuAtStart = cpuMillis();
            jitAtStart = jitMillis();
            System.out.println("ready " + bridge.settings().celeryQueue() + " (JVM uptime "
                + java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() + " ms)");
            System.out.flush();
          } else if (line.equals("jit")) {
            // For the script: has the JIT settled (warm-up), and what did the JIT and GC do during a measurement.
            System.out.println("jit " + jitMillis() + " gc " + gcCount() + " " + gcMillis());
            System.out.flush();
          } else if (line.equals("stats")) {
            System.out.println(counters(bridge, ended, cpuAtStart, jitAtStart));
            System.out.flush();
          } else if (!line.isBlank()) {
            System.out.println("unknown command '" + line + "': expected 'drain QUEUE', 'jit' or 'stats'");
          }
        }
        String last = counters(bridge, ended, cpuAtStart, jitAtStart);
        bridge.stopIntake();
        System.out.println(last);
      } finally {
        bridge.close();
      }
    } finally {
      if (pg != null) {
        postgres.close();
        pg.close();
      }
    }
  }

  private static AmqpBridge start(FfmpegQueue queue, String url, String celeryQueue) {
    AmqpSettings.Builder b = AmqpSettings.builder(url).celeryQueue(celeryQueue).registerQueue(celeryQueue + ".register");
    // Settings to try: FFQ_PREFETCH and FFQ_INTAKE_THREADS (the bridge's defaults otherwise).
    String prefetch = System.getenv("FFQ_PREFETCH");
    if (prefetch != null) {
      b.prefetch(Integer.parseInt(prefetch));
    }
    String threads = System.getenv("FFQ_INTAKE_THREADS");
    if (threads != null) {
      b.intakeThreads(Integer.parseInt(threads));
    }
    return AmqpBridge.start(queue, b.build());
  }

  /** Completed tasks since the last reset, and when the first and the last of them ended. */
  private static final class Ends {
    private long count;
    private long first;
    private long last;

    synchronized void end(long nanos) {
      if (count++ == 0) {
        first = nanos;
      }
      last = nanos;
    }

    synchronized void reset() {
      count = 0;
    }

    synchronized String describe() {
      double s = (last - first) / 1e9;
      return count + " tasks ended" + (count > 1 ? String.format(", %.1f/s from the first end to the last", (count - 1) / s) : "");
    }
  }

  /**
   * The bridge's counters, when its tasks ended, the process's CPU and JIT compiling time so far and since the
   * bridge started, and the CPU of the live threads.
   */
  private static String counters(AmqpBridge bridge, Ends ended, long cpuAtStart, long jitAtStart) {
    long cpu = cpuMillis();
    long jit = jitMillis();
    return "bridge on " + bridge.settings().celeryQueue() + " (until JVM uptime "
        + java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() + " ms): " + ended.describe() + "; registered "
        + bridge.registered() + ", replayed " + bridge.replayed() + ", published " + bridge.published() + ", publish retries " + bridge.publishRetries()
        + ", process CPU " + cpu + " ms (JIT compiling " + jit + " ms, GC pauses " + gcMillis()
        + " ms), while this bridge ran: process CPU " + (cpu - cpuAtStart) + " ms, JIT compiling "
        + (jit - jitAtStart) + " ms; live threads (ms): " + threadCpu();
  }

  private static long gcCount() {
    return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionCount).sum();
  }

  private static long gcMillis() {
    return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
  }

  private static long jitMillis() {
    return java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  }

  private static HikariDataSource pool(EmbeddedPostgres pg) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
    c.setMaximumPoolSize(16);
    return new HikariDataSource(c);
  }
}
