package io.ffmpegqueue.bench.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * No-op tasks through ffmpeg-queue's PostgreSQL backend and through db-scheduler, on the same database in the
 * same run: how fast producers enqueue, how fast workers drain a backlog, the throughput with producers and
 * workers going at once, and the enqueue to start latency of tasks enqueued at a steady rate to idle
 * workers. Not a test; run it with
 *
 * <pre>{@code
 * ./mvnw -B -q -pl ffmpeg-queue-bench -am package -DskipTests
 * java -cp "$(cat ffmpeg-queue-bench/target/classpath.txt)" io.ffmpegqueue.bench.postgres.PostgresBench
 * }</pre>
 *
 * Options: {@code --tasks N} (20000), {@code --workers N} (16), {@code --producers N} (2),
 * {@code --latency-tasks N} (1000), {@code --latency-rate N} per second (200), {@code --rounds N} (3),
 * {@code --synchronous-commit on|off} (on; for the embedded server), {@code --jdbc-url URL} (default: an
 * embedded PostgreSQL on loopback), {@code --only NAME} (one of the two queues),
 * {@code --statements true} (print the statements that took the database's time, from pg_stat_statements),
 * {@code --server-config key=value,key=value} (more settings of the embedded server),
 * {@code --modes drain,concurrent,latency} (which measurements to make; all by default). System property
 * {@code -Dbench.vacuumEvery=N} sets ffmpeg-queue's {@code vacuumEvery} (default the backend's, 10,000; 0: off).
 */
public final class PostgresBench {
  private PostgresBench() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Map<String, String> opt = options(args);
    int tasks = Integer.parseInt(opt.getOrDefault("tasks", "20000"));
    int workers = Integer.parseInt(opt.getOrDefault("workers", "16"));
    int producers = Integer.parseInt(opt.getOrDefault("producers", "2"));
    int latencyTasks = Integer.parseInt(opt.getOrDefault("latency-tasks", "1000"));
    double latencyRate = Double.parseDouble(opt.getOrDefault("latency-rate", "200"));
    int rounds = Integer.parseInt(opt.getOrDefault("rounds", "3"));
    String syncCommit = opt.getOrDefault("synchronous-commit", "on");
    boolean statements = Boolean.parseBoolean(opt.getOrDefault("statements", "false"));
    List<String> modes = List.of(opt.getOrDefault("modes", "drain,concurrent,latency").split(","));

    EmbeddedPostgres embedded = null;
    String jdbcUrl = opt.get("jdbc-url");
    if (jdbcUrl == null) {
      EmbeddedPostgres.Builder b = EmbeddedPostgres.builder();
      if (statements) {
        b.setServerConfig("shared_preload_libraries", "pg_stat_statements");
      }
      // More server settings, e.g. auto_explain's: --server-config key=value,key=value
      for (String kv : opt.getOrDefault("server-config", "").split(",")) {
        if (!kv.isBlank()) {
          b.setServerConfig(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
      }
      embedded = b
          .setServerConfig("max_connections", "300")
          .setServerConfig("synchronous_commit", syncCommit)
          .start();
      jdbcUrl = "jdbc:postgresql://127.0.0.1:" + embedded.getPort() + "/postgres?user=postgres";
    }
    Path inputs = Files.createTempDirectory("ffq-bench");
    Files.writeString(inputs.resolve("input.mp4"), "x");
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(workers + producers + 8);
    config.setPoolName("bench");
    try (HikariDataSource ds = new HikariDataSource(config)) {
      describe(ds, workers, producers);
      Map<String, Function<Latencies, QueueUnderTest>> systems = new java.util.LinkedHashMap<>();
      int[] schema = {0};
      systems.put("ffmpeg-queue", l -> new FfmpegQueueUnderTest(ds, "bench_ffq_" + schema[0]++, workers, l, inputs));
      systems.put("db-scheduler", l -> {
        try {
          return new DbSchedulerUnderTest(ds, workers, l);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      String only = opt.get("only");
      if (only != null) {
        systems.keySet().retainAll(List.of(only));
      }
      Map<String, List<Result>> drain = new HashMap<>();
      Map<String, List<Result>> concurrent = new HashMap<>();
      Map<String, List<Result>> latency = new HashMap<>();
      for (var s : systems.entrySet()) {
        System.out.println("warm-up    " + measure(s.getKey(), s.getValue(), Mode.CONCURRENT, Math.max(1000, tasks / 10), producers, 0));
      }
      for (int r = 1; r <= rounds; r++) {
        for (var s : systems.entrySet()) {
          if (statements) {
            sql(ds, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            sql(ds, "SELECT pg_stat_statements_reset()");
          }
          if (modes.contains("drain")) {
            Result d = measure(s.getKey(), s.getValue(), Mode.DRAIN, tasks, producers, 0);
            System.out.println("round " + r + " drain      " + d);
            if (statements) {
              printStatements(ds);
            }
            drain.computeIfAbsent(s.getKey(), k -> new ArrayList<>()).add(d);
          }
          if (modes.contains("concurrent")) {
            if (statements) {
              sql(ds, "SELECT pg_stat_statements_reset()");
            }
            Result c = measure(s.getKey(), s.getValue(), Mode.CONCURRENT, tasks, producers, 0);
            System.out.println("round " + r + " concurrent " + c);
            if (statements) {
              printStatements(ds);
            }
            concurrent.computeIfAbsent(s.getKey(), k -> new ArrayList<>()).add(c);
          }
          if (modes.contains("latency")) {
            Result l = measure(s.getKey(), s.getValue(), Mode.PACED, latencyTasks, 1, latencyRate);
            System.out.println("round " + r + " latency    " + l);
            latency.computeIfAbsent(s.getKey(), k -> new ArrayList<>()).add(l);
          }
        }
      }
      System.out.println();
      System.out.println("Medians of " + rounds + " rounds, " + tasks + " tasks (latency: " + latencyTasks + " tasks at "
          + (int) latencyRate + "/s):");
      System.out.println();
      System.out.println("| queue | enqueue (tasks/s) | drain a backlog (tasks/s) | enqueue and work at once (tasks/s)"
          + " | enqueue->start p50 | p99 | CPU per task, enqueue (JVM + server) | CPU per task, drain (JVM + server) |");
      System.out.println("|---|---|---|---|---|---|---|---|");
      for (String name : systems.keySet()) {
        System.out.printf("| %s | %.0f | %.0f | %.0f | %.2f ms | %.2f ms | %.0f + %.0f µs | %.0f + %.0f µs |%n", name,
            median(drain.get(name), r -> r.tasks() / r.enqueueSeconds()),
            median(drain.get(name), Result::throughput),
            median(concurrent.get(name), Result::throughput),
            median(latency.get(name), r -> r.percentileMillis(50)),
            median(latency.get(name), r -> r.percentileMillis(99)),
            median(drain.get(name), r -> r.enqueueCpuMicros()[0]),
            median(drain.get(name), r -> r.enqueueCpuMicros()[1]),
            median(drain.get(name), r -> r.workCpuMicros()[0]),
            median(drain.get(name), r -> r.workCpuMicros()[1]));
      }
    } finally {
      if (embedded != null) {
        embedded.close();
      }
      deleteTree(inputs);
    }
  }

  /** How to run tasks through a new instance. */
  public enum Mode {
    /** Producers and workers at once; the time runs until every task is done. */
    CONCURRENT,
    /** Producers fill a backlog first (timed apart), then the workers drain it; the time is the drain's. */
    DRAIN,
    /** One producer at a steady rate, idle workers: for enqueue to start latency. */
    PACED
  }

  /**
   * Runs {@code tasks} tasks through a new instance with {@code producers} threads enqueueing (at {@code rate}
   * per second in all when PACED).
   */
  public static Result measure(String name, Function<Latencies, QueueUnderTest> make, Mode mode, int tasks, int producers,
      double rate) throws Exception {
    Latencies latencies = new Latencies(tasks);
    double[] cpu0 = cpu();
    try (QueueUnderTest q = make.apply(latencies)) {
      if (mode != Mode.DRAIN) {
        q.startWorkers();
      }
      long enqueueStart = System.nanoTime();
      List<Thread> threads = new ArrayList<>();
      Throwable[] failure = new Throwable[1];
      for (int p = 0; p < producers; p++) {
        int first = p;
        Thread t = new Thread(() -> {
          try {
            for (int i = first; i < tasks; i += producers) {
              if (mode == Mode.PACED) {
                long due = enqueueStart + (long) (i * 1e9 / rate);
                LockSupport.parkNanos(due - System.nanoTime()); // pacing, not synchronisation
              }
              q.enqueue(i, System.nanoTime());
            }
          } catch (Throwable e) {
            failure[0] = e;
          }
        }, "producer-" + p);
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join();
      }
      if (failure[0] != null) {
        throw new IllegalStateException("a producer failed", failure[0]);
      }
      double enqueueSeconds = (System.nanoTime() - enqueueStart) / 1e9;
      double[] cpu1 = cpu();
      long start = enqueueStart;
      double[] workFrom = cpu0;
      if (mode == Mode.DRAIN) {
        start = System.nanoTime();
        workFrom = cpu1;
        q.startWorkers();
      }
      if (!latencies.await(600)) {
        throw new IllegalStateException(name + ": only " + latencies.started() + " of " + tasks + " tasks started");
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (q.remaining() > 0) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(name + ": tasks did not finish");
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double[] cpu2 = cpu();
      return new Result(name, tasks, seconds, enqueueSeconds, latencies.values(),
          new double[] {cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]},
          new double[] {cpu2[0] - workFrom[0], cpu2[1] - workFrom[1]});
    }
  }

  private static CpuMeter meter = new CpuMeter(-1);

  private static double[] cpu() {
    return new double[] {meter.jvmSeconds(), meter.serverSeconds()};
  }

  private static double median(List<Result> results, java.util.function.ToDoubleFunction<Result> f) {
    if (results == null) {
      return Double.NaN;
    }
    double[] v = results.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static void sql(HikariDataSource ds, String sql) throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** The statements that took the database's time in the last run (needs --statements true). */
  private static void printStatements(HikariDataSource ds) throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT calls, round(total_exec_time::numeric, 0), round(mean_exec_time::numeric, 3),"
             + " left(regexp_replace(query, '\\s+', ' ', 'g'), 110) FROM pg_stat_statements"
             + " ORDER BY total_exec_time DESC LIMIT 8")) {
      while (rs.next()) {
        System.out.printf("   %8d calls %7s ms total %8s ms mean  %s%n", rs.getLong(1), rs.getString(2), rs.getString(3),
            rs.getString(4));
      }
    }
  }

  private static void describe(HikariDataSource ds, int workers, int producers) throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("SELECT version(), current_setting('synchronous_commit'), current_setting('fsync'),"
          + " pg_backend_pid()");
      rs.next();
      long backend = rs.getLong(4);
      // The server's processes are the backend's parent (the postmaster) and its children; on this machine only.
      try {
        String stat = Files.readString(Path.of("/proc", String.valueOf(backend), "stat"));
        meter = new CpuMeter(Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]));
      } catch (IOException e) {
        meter = new CpuMeter(-1);
      }
      System.out.println("database: " + rs.getString(1) + "; synchronous_commit=" + rs.getString(2) + ", fsync="
          + rs.getString(3));
    }
    System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, load average "
        + loadAverage() + "; Java " + System.getProperty("java.version"));
    System.out.println("workers: " + workers + " per queue, producers: " + producers);
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      m.put(args[i].substring(2), args[i + 1]);
    }
    return m;
  }

  private static void deleteTree(Path p) throws IOException {
    try (var files = Files.walk(p)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
