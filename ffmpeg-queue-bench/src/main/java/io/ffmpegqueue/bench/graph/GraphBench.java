package io.ffmpegqueue.bench.graph;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.ffmpegqueue.bench.postgres.CpuMeter;
import io.ffmpegqueue.bench.redis.RedisServerProcess;
import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.postgres.PostgresQueueBackend;
import io.ffmpegqueue.redis.RedisQueueBackend;
import io.ffmpegqueue.spi.QueueBackend;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Task graphs on the in-memory, PostgreSQL and Redis backends: one root task, N no-op children that wait for it
 * (a fan-out), and one join that waits for all of them (a fan-in), 2N edges, against the same N + 2 tasks without
 * edges. It reports the time from the last child's completion to the join's start (both as the backend stored
 * them: its own clock) and the cost per edge, enqueue and drain, as the difference between the two runs divided
 * by 2N. Not a test; run it with
 *
 * <pre>{@code
 * ./mvnw -B -q -pl ffmpeg-queue-bench -am package -DskipTests
 * java -cp "ffmpeg-queue-bench/target/ffmpeg-queue-bench-0.1.0.jar:ffmpeg-queue-bench/target/lib/*" \
 *   io.ffmpegqueue.bench.graph.GraphBench --children 10000 --rounds 3
 * }</pre>
 *
 * Options: {@code --children N} (10000), {@code --rounds N} (3), {@code --workers N} (16), {@code --producers N}
 * (2), {@code --only a,b} (of memory, postgres, redis). Submissions go through {@code FfmpegQueue.submit} of a queue
 * without workers (validation and all, as an API process's), the work through a second queue on the same backend
 * with a no-op handler, started once everything is enqueued. With Redis, it also prints the slow log (scripts over
 * 2 ms) of each run and, at the end, the three scripts that handle a whole side of the graph measured alone
 * ({@link RedisGraphScripts}).
 */
public final class GraphBench {
  private GraphBench() {}

  /** Makes a fresh, empty backend for each run, and cleans up after it. */
  interface Backends {
    QueueBackend fresh(int run);

    default void after(int run) throws Exception {}

    /** Called once a run's tasks have all completed, before the benchmark reads them back. */
    default void drained() {}

    /** CPU seconds the server (not this JVM) has used so far; 0 for none. */
    default double serverCpuSeconds() {
      return 0;
    }

    default void stop() throws Exception {}
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Map<String, String> opt = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int children = Integer.parseInt(opt.getOrDefault("children", "10000"));
    int rounds = Integer.parseInt(opt.getOrDefault("rounds", "3"));
    int workers = Integer.parseInt(opt.getOrDefault("workers", "16"));
    int producers = Integer.parseInt(opt.getOrDefault("producers", "2"));
    List<String> only = List.of(opt.getOrDefault("only", "memory,postgres,redis").split(","));

    Path inputs = Files.createTempDirectory("ffq-graph-bench");
    Files.writeString(inputs.resolve("input.mp4"), "x");
    System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, load average "
        + Files.readString(Path.of("/proc/loadavg")).trim() + "; Java " + System.getProperty("java.version"));
    System.out.println("children " + children + " (edges " + 2 * children + "), workers " + workers + ", producers "
        + producers + ", rounds " + rounds);
    Map<String, Backends> systems = new LinkedHashMap<>();
    try {
      if (only.contains("memory")) {
        systems.put("in-memory", run -> InMemoryQueueBackend.builder().capacity(10_000_000)
            .retentionCount(10_000_000).build());
      }
      if (only.contains("postgres")) {
        systems.put("PostgreSQL", postgres(workers + producers + 8));
      }
      RedisServerProcess redis = null;
      if (only.contains("redis")) {
        // The slow log keeps the scripts over 2 ms: those that handle a whole side of the graph at once.
        redis = new RedisServerProcess(List.of("--appendonly", "no", "--slowlog-log-slower-than", "2000"));
        systems.put("Redis", redis(redis));
      }
      GraphRun runner = new GraphRun(inputs, workers, producers);
      Map<String, Map<Boolean, List<GraphRun.Result>>> results = new LinkedHashMap<>();
      int[] n = {0};
      for (var s : systems.entrySet()) {
        System.out.println("warm-up " + s.getKey() + ": " + once(runner, s.getValue(), n[0]++, true,
            Math.max(1000, children / 10)) + " / " + once(runner, s.getValue(), n[0]++, false, Math.max(1000, children / 10)));
      }
      for (int r = 1; r <= rounds; r++) {
        for (var s : systems.entrySet()) {
          for (boolean edges : new boolean[] {false, true}) {
            GraphRun.Result res = once(runner, s.getValue(), n[0]++, edges, children);
            System.out.printf(Locale.ROOT, "round %d %-10s %-8s %s; load %s%n", r, s.getKey(),
                edges ? "graph" : "no edges", res, Files.readString(Path.of("/proc/loadavg")).trim());
            results.computeIfAbsent(s.getKey(), k -> new HashMap<>()).computeIfAbsent(edges, k -> new ArrayList<>())
                .add(res);
          }
        }
      }
      table(results, children, rounds);
      if (redis != null) {
        System.out.println();
        RedisGraphScripts.measure(redis, children, rounds);
      }
    } finally {
      for (Backends b : systems.values()) {
        b.stop();
      }
    }
  }

  private static GraphRun.Result once(GraphRun runner, Backends backends, int run, boolean edges, int children)
      throws Exception {
    try (QueueBackend backend = backends.fresh(run)) {
      return runner.run(backend, backends::serverCpuSeconds, backends::drained, edges, children);
    } finally {
      backends.after(run);
    }
  }

  private static void table(Map<String, Map<Boolean, List<GraphRun.Result>>> results, int children, int rounds) {
    double edges = 2.0 * children;
    System.out.println();
    System.out.printf(Locale.ROOT, "Medians of %d rounds: 1 root -> %,d children -> 1 join (%,d edges), against"
        + " %,d tasks without edges:%n%n", rounds, children, (int) edges, children + 2);
    System.out.println("| backend | enqueue, no edges | enqueue, graph | drain, no edges | drain, graph"
        + " | last child -> join start | enqueue per edge | drain per edge | CPU per edge (JVM + server) |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    results.forEach((name, m) -> {
      List<GraphRun.Result> plain = m.get(false);
      List<GraphRun.Result> graph = m.get(true);
      double pe = median(plain, GraphRun.Result::enqueueSeconds);
      double ge = median(graph, GraphRun.Result::enqueueSeconds);
      double pd = median(plain, GraphRun.Result::drainSeconds);
      double gd = median(graph, GraphRun.Result::drainSeconds);
      System.out.printf(Locale.ROOT, "| %s | %.2f s | %.2f s | %.2f s | %.2f s | %.2f ms | %.1f µs | %.1f µs"
          + " | %.1f + %.1f µs |%n", name, pe, ge, pd, gd, median(graph, GraphRun.Result::joinLagMillis),
          (ge - pe) * 1e6 / edges, (gd - pd) * 1e6 / edges,
          (median(graph, GraphRun.Result::jvmCpuSeconds) - median(plain, GraphRun.Result::jvmCpuSeconds)) * 1e6 / edges,
          (median(graph, GraphRun.Result::serverCpuSeconds) - median(plain, GraphRun.Result::serverCpuSeconds)) * 1e6
              / edges);
    });
  }

  private static double median(List<GraphRun.Result> runs, ToDoubleFunction<GraphRun.Result> f) {
    double[] v = runs.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static Backends postgres(int poolSize) throws Exception {
    EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres");
    config.setMaximumPoolSize(poolSize);
    HikariDataSource ds = new HikariDataSource(config);
    CpuMeter meter;
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      // The server's processes are the backend's parent (the postmaster) and its children.
      String stat = Files.readString(Path.of("/proc", rs.getString(1), "stat"));
      meter = new CpuMeter(Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]));
    }
    System.out.println("postgres: embedded, synchronous_commit on (its default)");
    return new Backends() {
      @Override
      public QueueBackend fresh(int run) {
        return PostgresQueueBackend.builder(ds).schema("bench_graph_" + run).capacity(10_000_000)
            .retentionCount(10_000_000).build();
      }

      @Override
      public void after(int run) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
          s.execute("DROP SCHEMA bench_graph_" + run + " CASCADE");
        }
      }

      @Override
      public double serverCpuSeconds() {
        return meter.serverSeconds();
      }

      @Override
      public void stop() throws Exception {
        ds.close();
        pg.close();
      }
    };
  }

  private static Backends redis(RedisServerProcess redis) {
    System.out.println("redis: " + redis.info("server").lines().filter(l -> l.startsWith("redis_version:"))
        .findFirst().orElse("?") + ", appendonly no, save off");
    return new Backends() {
      @Override
      public QueueBackend fresh(int run) {
        return RedisQueueBackend.builder(redis.url()).prefix("graph" + run).capacity(10_000_000)
            .retentionCount(10_000_000).build();
      }

      @Override
      public void drained() {
        redis.slowest(3).forEach(s -> System.out.println("  redis slow log: " + s));
      }

      @Override
      public void after(int run) {
        redis.flush();
        redis.slowest(0); // empties the slow log of the flush and the reads
      }

      @Override
      public double serverCpuSeconds() {
        return redis.cpuSeconds();
      }

      @Override
      public void stop() throws Exception {
        redis.close();
      }
    };
  }
}
