package io.ffmpegqueue.amqp;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Debian's {@code redis-server} on a free loopback port, its files in {@code dir}, stopped on close. */
final class RedisServer implements AutoCloseable {
  private final Process process;
  private final int port;

  private RedisServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static RedisServer start(Path dir) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String exe = System.getenv().getOrDefault("REDIS_SERVER", "/usr/bin/redis-server");
    Process p = new ProcessBuilder(List.of(exe, "--port", String.valueOf(port), "--bind", "127.0.0.1", "--dir",
        dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no"))
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    RedisServer r = new RedisServer(p, port);
    await("redis-server on port " + port).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(r::answers);
    return r;
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  private boolean answers() {
    if (!process.isAlive()) {
      throw new IllegalStateException("redis-server exited");
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      s.setSoTimeout(2000);
      s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII).equals("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
