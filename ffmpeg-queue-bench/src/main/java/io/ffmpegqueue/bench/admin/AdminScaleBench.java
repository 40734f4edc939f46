package io.ffmpegqueue.bench.admin;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.ffmpegqueue.WorkerInfo;
import io.ffmpegqueue.bench.redis.RedisServerProcess;
import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.postgres.PostgresQueueBackend;
import io.ffmpegqueue.redis.RedisQueueBackend;
import io.ffmpegqueue.spi.QueueBackend;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The dashboard with a million tasks in the backend: fills each backend with {@code --tasks} tasks (the mix of
 * {@link Mix}: statuses, tenants, metadata, commands, creation times over a week; the fill is timed too), registers
 * eight worker processes, then times every backend call the dashboard's pages make ({@link PageCalls}), median and
 * max of {@code --rounds} calls each, on one thread, against an otherwise idle backend.
 *
 * <p>Options: {@code --tasks N} (1000000), {@code --backends memory,postgres,redis}, {@code --rounds R} (7),
 * {@code --jdbc-url URL} (an empty database to fill, where the tasks stay afterwards; default: the embedded
 * server, zonky's PostgreSQL 14, with its default settings). Redis is this machine's {@code redis-server},
 * without persistence.
 */
public final class AdminScaleBench {
  private AdminScaleBench() {}

  /** Runs the benchmark. */
  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int tasks = Integer.parseInt(opt.getOrDefault("tasks", "1000000"));
    int rounds = Integer.parseInt(opt.getOrDefault("rounds", "7"));
    List<String> backends = List.of(opt.getOrDefault("backends", "memory,postgres,redis").split(","));
    System.out.println("AdminScaleBench --tasks " + tasks + " --rounds " + rounds + " --backends "
        + String.join(",", backends));
    System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, load average "
        + load() + "; Java " + System.getProperty("java.version"));
    Map<String, List<PageCalls.Timing>> all = new LinkedHashMap<>();
    for (String name : backends) {
      Mix mix = new Mix(tasks, Instant.now().truncatedTo(ChronoUnit.MILLIS));
      System.out.println("== " + name);
      all.put(name, switch (name) {
        case "memory" -> memory(mix, rounds);
        case "postgres" -> postgres(mix, rounds, opt.get("jdbc-url"));
        case "redis" -> redis(mix, rounds);
        default -> throw new IllegalArgumentException("--backends: unknown backend '" + name + "'");
      });
      System.out.println("   load average after: " + load());
    }
    table(all);
  }

  private static List<PageCalls.Timing> memory(Mix mix, int rounds) throws Exception {
    long t0 = System.nanoTime();
    try (InMemoryQueueBackend b = MemoryFill.fill(mix)) {
      filled(t0, b);
      return new PageCalls(b, mix, () -> heartbeats(b)).run(rounds);
    }
  }

  private static List<PageCalls.Timing> postgres(Mix mix, int rounds, String jdbcUrl) throws Exception {
    if (jdbcUrl != null) {
      return fillAndTime(mix, rounds, jdbcUrl);
    }
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      return fillAndTime(mix, rounds, "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres");
    }
  }

  private static List<PageCalls.Timing> fillAndTime(Mix mix, int rounds, String jdbcUrl) throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(8);
    config.setPoolName("admin-bench");
    try (HikariDataSource ds = new HikariDataSource(config);
        PostgresQueueBackend b = PostgresQueueBackend.builder(ds).capacity(mix.n + 10).retentionCount(mix.n + 10)
            .retentionAge(Duration.ofDays(30)).build()) {
      long t0 = System.nanoTime();
      PostgresFill.fill(ds, b, mix);
      filled(t0, b);
      return new PageCalls(b, mix, () -> heartbeats(b)).run(rounds);
    }
  }

  private static List<PageCalls.Timing> redis(Mix mix, int rounds) throws Exception {
    try (RedisServerProcess server = new RedisServerProcess(List.of("--appendonly", "no", "--save", ""));
        RedisQueueBackend b = RedisQueueBackend.builder(server.url()).capacity(mix.n + 10)
            .retentionCount(mix.n + 10).retentionAge(Duration.ofDays(30)).build()) {
      RedisClient client = RedisClient.create(server.url());
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        long t0 = System.nanoTime();
        RedisFill.fill(c.sync(), b, mix);
        filled(t0, b);
        System.out.println("   redis used_memory_human: " + c.sync().info("memory").lines()
            .filter(l -> l.startsWith("used_memory_human")).findFirst().orElse("?"));
        return new PageCalls(b, mix, () -> heartbeats(b)).run(rounds);
      } finally {
        client.shutdown();
      }
    }
  }

  private static void filled(long t0, QueueBackend b) {
    heartbeats(b);
    System.out.printf(Locale.ROOT, "   filled in %.1f s: %s; load average %s%n", (System.nanoTime() - t0) / 1e9,
        b.counts(), load());
  }

  private static void heartbeats(QueueBackend b) {
    for (int w = 0; w < 8; w++) {
      b.workerRegistry().orElseThrow().heartbeat(WorkerInfo.builder("bench-host-" + w + ":4242")
          .host("bench-host-" + w).pid(4242).version("0.1.0").workers(4).startedAt(Instant.now()).tasksRunning(4)
          .build());
    }
  }

  private static void table(Map<String, List<PageCalls.Timing>> all) {
    StringBuilder head = new StringBuilder("| backend call (page of 50) |");
    StringBuilder line = new StringBuilder("|---|");
    for (String name : all.keySet()) {
      head.append(' ').append(name).append(" median / max ms |");
      line.append("---|");
    }
    System.out.println();
    System.out.println(head);
    System.out.println(line);
    List<PageCalls.Timing> first = all.values().iterator().next();
    for (int row = 0; row < first.size(); row++) {
      StringBuilder b = new StringBuilder("| " + first.get(row).call() + " |");
      for (List<PageCalls.Timing> ts : all.values()) {
        PageCalls.Timing t = ts.get(row);
        b.append(String.format(Locale.ROOT, " %.1f / %.1f (%d rows) |", t.medianMillis(), t.maxMillis(), t.rows()));
      }
      System.out.println(b);
    }
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
