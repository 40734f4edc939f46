package io.ffmpegqueue.bench.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.bench.postgres.FfmpegQueueUnderTest;
import io.ffmpegqueue.bench.postgres.PostgresBench;
import io.ffmpegqueue.bench.postgres.PostgresBench.Mode;
import io.ffmpegqueue.bench.postgres.Result;
import io.ffmpegqueue.redis.RedisQueueBackend;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * No-op tasks through ffmpeg-queue's Redis backend, through BullMQ (Node) on the same Redis, and through
 * ffmpeg-queue's PostgreSQL backend, side by side in one run with the same workers (concurrency) and producers:
 * the enqueue rate, the drain rate of a backlog, the throughput with producers and workers at once, and the
 * enqueue to start latency of tasks enqueued at a steady rate to idle workers. Not a test; run it with
 *
 * <pre>{@code
 * ./mvnw -B -q -pl ffmpeg-queue-bench -am package -DskipTests
 * npm install --prefix ffmpeg-queue-bench/target/bullmq bullmq ioredis
 * java -cp "ffmpeg-queue-bench/target/ffmpeg-queue-bench-0.1.0.jar:ffmpeg-queue-bench/target/lib/*" io.ffmpegqueue.bench.redis.RedisBench
 * }</pre>
 *
 * Options: {@code --tasks N} (20000), {@code --workers N} (16), {@code --producers N} (2),
 * {@code --latency-tasks N} (1000), {@code --latency-rate N} per second (200), {@code --rounds N} (3),
 * {@code --appendonly no|everysec|always} (no: Redis's default), {@code --only a,b} (of redis, bullmq,
 * postgres), {@code --modes drain,concurrent,latency}, {@code --memory N} (also enqueue N typical tasks and
 * report Redis's memory per pending task; 0: not), {@code --bullmq-dir DIR} (ffmpeg-queue-bench/target/bullmq), {@code --commandstats true} (print the server's
 * {@code INFO commandstats} at the end).
 */
public final class RedisBench {
  private RedisBench() {}

  /** One system's medians. */
  private record Row(double enqueue, double drain, double concurrent, double p50, double p99) {}

  /** One measurement: rates and latency percentiles. */
  private record Run(int tasks, double seconds, double enqueueSeconds, double p50, double p99) {
    static Run of(Result r) {
      return new Run(r.tasks(), r.seconds(), r.enqueueSeconds(), r.percentileMillis(50), r.percentileMillis(99));
    }

    @Override
    public String toString() {
      return String.format("%6d tasks in %6.2f s = %8.0f tasks/s (enqueued in %5.2f s = %6.0f/s); enqueue->start"
          + " p50 %8.2f ms, p99 %8.2f ms", tasks, seconds, tasks / seconds, enqueueSeconds, tasks / enqueueSeconds,
          p50, p99);
    }
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Map<String, String> opt = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int tasks = Integer.parseInt(opt.getOrDefault("tasks", "20000"));
    int workers = Integer.parseInt(opt.getOrDefault("workers", "16"));
    int producers = Integer.parseInt(opt.getOrDefault("producers", "2"));
    int latencyTasks = Integer.parseInt(opt.getOrDefault("latency-tasks", "1000"));
    double latencyRate = Double.parseDouble(opt.getOrDefault("latency-rate", "200"));
    int rounds = Integer.parseInt(opt.getOrDefault("rounds", "3"));
    int memoryTasks = Integer.parseInt(opt.getOrDefault("memory", "0"));
    String appendonly = opt.getOrDefault("appendonly", "no");
    List<String> only = List.of(opt.getOrDefault("only", "redis,bullmq,postgres").split(","));
    List<String> modes = List.of(opt.getOrDefault("modes", "drain,concurrent,latency").split(","));
    Path bullmq = Path.of(opt.getOrDefault("bullmq-dir", "ffmpeg-queue-bench/target/bullmq")).toAbsolutePath();

    List<String> redisOptions = appendonly.equals("no") ? List.of("--appendonly", "no")
        : List.of("--appendonly", "yes", "--appendfsync", appendonly);
    Path inputs = Files.createTempDirectory("ffq-bench");
    Files.writeString(inputs.resolve("input.mp4"), "x");
    EmbeddedPostgres pg = null;
    HikariDataSource ds = null;
    try (RedisServerProcess redis = new RedisServerProcess(redisOptions)) {
      String version = redis.info("server").lines().filter(l -> l.startsWith("redis_version:")).findFirst().orElse("?");
      System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, load average "
          + Files.readString(Path.of("/proc/loadavg")).trim() + "; Java " + System.getProperty("java.version"));
      System.out.println("redis: " + version + ", appendonly " + appendonly + ", save off; workers (concurrency) "
          + workers + ", producers " + producers);
      Map<String, Map<String, List<Run>>> runs = new LinkedHashMap<>();
      Map<String, RunSource> systems = new LinkedHashMap<>();
      int[] n = {0};
      if (only.contains("redis")) {
        systems.put("ffmpeg-queue redis", (mode, t, p, rate) -> {
          try {
            return Run.of(PostgresBench.measure("ffmpeg-queue redis",
                l -> new RedisQueueUnderTest(redis.url(), "bench" + n[0]++, workers, l, inputs), mode, t, p, rate));
          } finally {
            redis.flush();
          }
        });
      }
      if (only.contains("bullmq")) {
        Files.copy(RedisBench.class.getResourceAsStream("/bullmq-bench.mjs"), bullmq.resolve("bullmq-bench.mjs"),
            StandardCopyOption.REPLACE_EXISTING);
        System.out.println("bullmq: " + TaskJson.mapper().readTree(bullmq.resolve("node_modules/bullmq/package.json")
            .toFile()).get("version").asText() + " on Node " + node(bullmq, List.of("--version")).trim());
        systems.put("BullMQ", (mode, t, p, rate) -> {
          try {
            String m = mode == Mode.DRAIN ? "drain" : mode == Mode.CONCURRENT ? "concurrent" : "paced";
            String out = node(bullmq, List.of("bullmq-bench.mjs", String.valueOf(redis.port()), m, String.valueOf(t),
                String.valueOf(workers), String.valueOf(p), String.valueOf(rate)));
            JsonNode j = TaskJson.mapper().readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("bullmq-bench printed no result: " + out)));
            return new Run(j.get("tasks").asInt(), j.get("seconds").asDouble(), j.get("enqueueSeconds").asDouble(),
                j.get("p50").asDouble(), j.get("p99").asDouble());
          } finally {
            redis.flush();
          }
        });
      }
      if (only.contains("postgres")) {
        pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres");
        config.setMaximumPoolSize(workers + producers + 8);
        ds = new HikariDataSource(config);
        HikariDataSource pool = ds;
        System.out.println("postgres: embedded, synchronous_commit on (its default)");
        systems.put("ffmpeg-queue postgres", (mode, t, p, rate) -> Run.of(PostgresBench.measure("ffmpeg-queue postgres",
            l -> new FfmpegQueueUnderTest(pool, "bench_ffq_" + n[0]++, workers, l, inputs), mode, t, p, rate)));
      }
      for (var s : systems.entrySet()) {
        System.out.println("warm-up " + s.getKey() + ": " + s.getValue().run(Mode.CONCURRENT, Math.max(1000, tasks / 10),
            producers, 0));
      }
      for (int r = 1; r <= rounds; r++) {
        for (var s : systems.entrySet()) {
          Map<String, List<Run>> mine = runs.computeIfAbsent(s.getKey(), k -> new HashMap<>());
          for (String mode : modes) {
            double cpu0 = redis.cpuSeconds();
            Run run = switch (mode) {
              case "drain" -> s.getValue().run(Mode.DRAIN, tasks, producers, 0);
              case "concurrent" -> s.getValue().run(Mode.CONCURRENT, tasks, producers, 0);
              default -> s.getValue().run(Mode.PACED, latencyTasks, 1, latencyRate);
            };
            double cpu = redis.cpuSeconds() - cpu0;
            System.out.printf("round %d %-10s %-22s %s; redis-server CPU %.0f us/task%n", r, mode, s.getKey(), run,
                cpu * 1e6 / run.tasks());
            mine.computeIfAbsent(mode, k -> new ArrayList<>()).add(run);
          }
        }
      }
      table(runs, rounds, tasks, latencyTasks, latencyRate);
      if (Boolean.parseBoolean(opt.getOrDefault("commandstats", "false"))) {
        System.out.println(redis.info("commandstats")); // which commands took the server's time
      }
      if (memoryTasks > 0) {
        memory(redis, memoryTasks);
      }
    } finally {
      if (ds != null) {
        ds.close();
      }
      if (pg != null) {
        pg.close();
      }
    }
  }

  @FunctionalInterface
  private interface RunSource {
    Run run(Mode mode, int tasks, int producers, double rate) throws Exception;
  }

  private static void table(Map<String, Map<String, List<Run>>> runs, int rounds, int tasks, int latencyTasks,
      double rate) {
    Map<String, Row> rows = new LinkedHashMap<>();
    runs.forEach((name, m) -> rows.put(name, new Row(
        median(m.get("drain"), r -> r.tasks() / r.enqueueSeconds()), median(m.get("drain"), r -> r.tasks() / r.seconds()),
        median(m.get("concurrent"), r -> r.tasks() / r.seconds()), median(m.get("latency"), Run::p50),
        median(m.get("latency"), Run::p99))));
    System.out.println();
    System.out.println("Medians of " + rounds + " rounds, " + tasks + " tasks (latency: " + latencyTasks + " tasks at "
        + (int) rate + "/s):");
    System.out.println();
    System.out.println("| queue | enqueue (tasks/s) | drain a backlog (tasks/s) | enqueue and work at once (tasks/s)"
        + " | enqueue->start p50 | p99 |");
    System.out.println("|---|---|---|---|---|---|");
    rows.forEach((name, r) -> System.out.printf("| %s | %.0f | %.0f | %.0f | %.2f ms | %.2f ms |%n", name, r.enqueue(),
        r.drain(), r.concurrent(), r.p50(), r.p99()));
    Row redis = rows.get("ffmpeg-queue redis");
    if (redis != null) {
      System.out.println();
      rows.forEach((name, r) -> {
        if (r != redis) {
          System.out.printf("ffmpeg-queue redis / %s: drain %.2fx, enqueue %.2fx, at once %.2fx%n", name,
              redis.drain() / r.drain(), redis.enqueue() / r.enqueue(), redis.concurrent() / r.concurrent());
        }
      });
    }
  }

  /** Enqueues {@code count} typical pending tasks and reports Redis's memory for them. */
  private static void memory(RedisServerProcess redis, int count) throws Exception {
    redis.flush();
    long before = usedMemory(redis);
    int threads = 8;
    try (RedisQueueBackend b = RedisQueueBackend.builder(redis.url()).capacity(count + 1).build()) {
      ExecutorService ex = Executors.newFixedThreadPool(threads);
      List<Future<?>> fs = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        int first = t;
        fs.add(ex.submit(() -> {
          for (int i = first; i < count; i += threads) {
            b.enqueue(Task.pending(TaskId.random(), typical(i), Instant.now()));
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      ex.shutdown();
      ex.awaitTermination(1, TimeUnit.MINUTES);
      long after = usedMemory(redis);
      double per = (after - before) / (double) count;
      System.out.printf("%nmemory: %d pending tasks (a 1080p-to-720p H.264 command, one https input, one output,"
          + " a tenant, two metadata entries) take %.1f MiB of Redis (used_memory), %.0f bytes each; enqueued in"
          + " %.1f s; a million take about %.0f MiB%n", count, (after - before) / 1048576.0, per,
          (System.nanoTime() - t0) / 1e9, per * 1_000_000 / 1048576.0);
    }
  }

  private static TaskRequest typical(int i) {
    return TaskRequest.builder()
        .command("-i input.mp4 -vf scale=-2:720 -c:v libx264 -preset veryfast -crf 23 -c:a aac -b:a 128k output.mp4")
        .input("input.mp4", URI.create("https://media.example.com/uploads/2026/12/video-" + i + ".mp4"))
        .output("output.mp4")
        .tenant("tenant-" + (i % 50))
        .metadata(Map.of("customer", "c-" + (i % 1000), "source", "upload"))
        .timeout(Duration.ofMinutes(30))
        .build();
  }

  private static long usedMemory(RedisServerProcess redis) {
    return Long.parseLong(redis.info("memory").lines().filter(l -> l.startsWith("used_memory:")).findFirst()
        .orElseThrow().substring("used_memory:".length()).trim());
  }

  private static String node(Path dir, List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("node"));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("node " + args + " failed: " + out);
    }
    return out;
  }

  private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
    if (runs == null || runs.isEmpty()) {
      return Double.NaN;
    }
    double[] v = runs.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
