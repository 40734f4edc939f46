package io.ffmpegqueue.bench.amqp;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.amqp.AmqpBridge;
import io.ffmpegqueue.amqp.AmqpSettings;
import io.ffmpegqueue.postgres.PostgresQueueBackend;
import io.ffmpegqueue.spi.QueueBackend;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * Our side of the AMQP benchmark ({@code ffmpeg-queue-bench/amqp/celery-bench.sh}): a queue whose handler
 * does nothing (the library's handler seam), in memory, behind the RabbitMQ bridge on one Celery queue. Runs
 * until its standard input closes, then prints the bridge's counters.
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
    try (FfmpegQueue queue = qb.build();
        AmqpBridge bridge = AmqpBridge.start(queue, AmqpSettings.builder(url).celeryQueue(queueName)
            .registerQueue(queueName + ".register").build())) {
      System.out.println("ready");
      System.out.flush();
      while (System.in.read() >= 0) {
        // until the script closes our input
      }
      java.util.Map<String, Long> threads = threadCpu(); // before the intake threads stop
      bridge.stopIntake();
      System.out.println("registered " + bridge.registered() + ", replayed " + bridge.replayed()
          + ", published " + bridge.published() + ", publish retries " + bridge.publishRetries()
          + ", process CPU " + cpuMillis() + " ms (JIT compiling " + java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime()
          + " ms, GC pauses " + java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
              .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum()
          + " ms); live threads (ms): " + threads);
    } finally {
      if (pg != null) {
        postgres.close();
        pg.close();
      }
    }
  }

  private static HikariDataSource pool(EmbeddedPostgres pg) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
    c.setMaximumPoolSize(16);
    return new HikariDataSource(c);
  }
}
