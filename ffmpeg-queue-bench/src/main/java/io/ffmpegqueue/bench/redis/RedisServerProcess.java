package io.ffmpegqueue.bench.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A redis-server of the benchmark's own, on a free loopback port with its files in a temporary folder. */
public final class RedisServerProcess implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path dir;

  /** Starts one with these extra options (e.g. {@code --appendonly no}). */
  public RedisServerProcess(List<String> options) throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    dir = Files.createTempDirectory("ffq-bench-redis");
    List<String> cmd = new ArrayList<>(List.of(System.getenv().getOrDefault("REDIS_SERVER", "redis-server"),
        "--port", String.valueOf(port), "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", ""));
    cmd.addAll(options);
    process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        new java.net.Socket("127.0.0.1", port).close();
        break;
      } catch (IOException e) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new IOException("redis-server did not start: " + Files.readString(dir.resolve("redis.log")), e);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // waiting for a process, not synchronisation
      }
    }
  }

  int port() {
    return port;
  }

  /** Its {@code redis://} URL. */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  long pid() {
    return process.pid();
  }

  /** Seconds of CPU the server has used so far (user + system, from /proc). */
  public double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in USER_HZ ticks
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  /** Empties the server between runs. */
  public void flush() {
    RedisClient c = RedisClient.create(url());
    try (StatefulRedisConnection<String, String> conn = c.connect()) {
      conn.sync().flushall();
    } finally {
      c.shutdown();
    }
  }

  /**
   * The {@code n} longest commands in the server's slow log (those past its {@code slowlog-log-slower-than}), longest
   * first, as "duration µs: the first arguments"; empties the log.
   */
  public List<String> slowest(int n) {
    RedisClient c = RedisClient.create(url());
    try (StatefulRedisConnection<String, String> conn = c.connect()) {
      List<Object> log = conn.sync().slowlogGet(1000);
      conn.sync().slowlogReset();
      // Each entry: id, time, duration in µs, the arguments, ...
      return log.stream().map(e -> (List<?>) e)
          .sorted(java.util.Comparator.comparingLong((List<?> e) -> (Long) e.get(2)).reversed()).limit(n)
          .map(e -> e.get(2) + " µs: " + ((List<?>) e.get(3)).stream().limit(9).map(String::valueOf)
              .map(a -> a.length() > 40 ? a.substring(0, 40) + "..." : a).toList())
          .toList();
    } finally {
      c.shutdown();
    }
  }

  /** {@code INFO <section>} of the server. */
  public String info(String section) {
    RedisClient c = RedisClient.create(url());
    try (StatefulRedisConnection<String, String> conn = c.connect()) {
      return conn.sync().info(section);
    } finally {
      c.shutdown();
    }
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
