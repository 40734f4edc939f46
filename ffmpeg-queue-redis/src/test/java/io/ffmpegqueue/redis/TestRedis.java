package io.ffmpegqueue.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} (Debian's package, {@code /usr/bin/redis-server} or {@code REDIS_SERVER}) on a free
 * loopback port with its files in a temporary folder. It can be killed and restarted on the same port and files;
 * {@link #cluster} starts three of them as a Redis Cluster.
 */
final class TestRedis implements AutoCloseable {
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  private final Path dir;
  private final int port;
  private final List<String> options;
  private Process process;

  private TestRedis(Path dir, int port, List<String> options) {
    this.dir = dir;
    this.port = port;
    this.options = List.copyOf(options);
  }

  /** A server with the given extra options ({@code --appendonly yes} ...). */
  static TestRedis start(String... options) {
    try {
      TestRedis r = new TestRedis(Files.createTempDirectory("ffq-redis-"), freePort(), List.of(options));
      r.startServer();
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String executable() {
    String env = System.getenv("REDIS_SERVER");
    return env != null ? env : "/usr/bin/redis-server";
  }

  private void startServer() throws IOException {
    List<String> cmd = new ArrayList<>(List.of(executable(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--save", "", "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString()));
    cmd.addAll(options);
    process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile())
        .start();
    await("redis-server on port " + port).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("redis-server exited: " + Files.readString(dir.resolve("stdout.log")));
          }
          // Up once it answers PING: a restarted server accepts connections but answers LOADING while it reads
          // its AOF back.
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(2000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII).equals("+PONG");
          } catch (IOException e) {
            return false;
          }
        });
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  Path dir() {
    return dir;
  }

  /** A prefix no other backend of this JVM uses, so tests on one server do not see each other's tasks. */
  static String freshPrefix() {
    return "t" + PREFIXES.incrementAndGet();
  }

  /** A backend builder on this server with a fresh prefix. */
  RedisQueueBackend.Builder backend() {
    return RedisQueueBackend.builder(url()).prefix(freshPrefix());
  }

  /** Kills the server at once (SIGKILL), as a crash would. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Starts the server again on the same port and files. */
  void restart() {
    try {
      startServer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // leave it to the OS's temp cleaning
    }
  }

  /** Three servers joined as a Redis Cluster (no replicas), with {@code redis-cli --cluster create}. */
  static List<TestRedis> cluster() throws IOException, InterruptedException {
    List<TestRedis> nodes = new ArrayList<>();
    List<String> cmd = new ArrayList<>(List.of(executable().replace("redis-server", "redis-cli"), "--cluster",
        "create"));
    for (int i = 0; i < 3; i++) {
      nodes.add(start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--appendonly", "no"));
      cmd.add("127.0.0.1:" + nodes.get(i).port());
    }
    cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0 || !out.contains("All 16384 slots covered")) {
      nodes.forEach(TestRedis::close);
      throw new IllegalStateException("redis-cli --cluster create failed: " + out);
    }
    return nodes;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** One server for a test class. */
  static final class PerClass implements BeforeAllCallback, AfterAllCallback {
    private final String[] options;
    private TestRedis server;

    PerClass(String... options) {
      this.options = options;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
      server = start(options);
    }

    @Override
    public void afterAll(ExtensionContext context) {
      server.close();
    }

    TestRedis server() {
      return server;
    }
  }
}
