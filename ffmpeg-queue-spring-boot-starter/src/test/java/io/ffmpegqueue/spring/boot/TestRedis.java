package io.ffmpegqueue.spring.boot;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package, {@code /usr/bin/redis-server} or {@code REDIS_SERVER}) on a free
 * loopback port with its files in the given folder: the start and stop of ffmpeg-queue-redis's test server,
 * copied so the starter needs no test jar.
 */
final class TestRedis implements AutoCloseable {
  private final int port;
  private final Process process;

  private TestRedis(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  /** Starts a server in {@code dir} with the given extra options ({@code --appendonly yes} ...). */
  static TestRedis start(Path dir, String... options) throws IOException {
    Files.createDirectories(dir);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String exe = System.getenv().getOrDefault("REDIS_SERVER", "/usr/bin/redis-server");
    List<String> cmd = new ArrayList<>(List.of(exe, "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--save", "", "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString()));
    cmd.addAll(List.of(options));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile())
        .start();
    TestRedis redis = new TestRedis(port, p);
    await("redis-server on port " + port).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(() -> {
          if (!p.isAlive()) {
            throw new IllegalStateException("redis-server exited: " + Files.readString(dir.resolve("stdout.log")));
          }
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
          } catch (IOException e) {
            return false;
          }
        });
    return redis;
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
