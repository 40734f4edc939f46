package io.ffmpegqueue.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code rabbitmq-server} (package {@code rabbitmq-server}) on free loopback ports, with its
 * database, logs, configuration, Erlang cookie and epmd of its own under a temporary folder. {@link #restart()}
 * stops and starts it on the same ports and data (durable queues and persistent messages survive);
 * {@link #close()} stops the node and its epmd, leaving no Erlang process behind.
 */
final class RabbitBroker implements AutoCloseable {
  static final Path SERVER = Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server");
  private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

  private final Path dir;
  private final int amqpPort;
  private final int distPort;
  private final int epmdPort;
  private Process process;

  private RabbitBroker(Path dir) throws IOException {
    this.dir = dir;
    int[] ports = freePorts(3);
    this.amqpPort = ports[0];
    this.distPort = ports[1];
    this.epmdPort = ports[2];
    Files.writeString(dir.resolve("rabbitmq.conf"), String.join("\n",
        "listeners.tcp.1 = 127.0.0.1:" + amqpPort,
        "log.console = false",
        "log.file.level = warning",
        "") );
    Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
    Files.writeString(dir.resolve("rabbitmq-env.conf"), "\n");
  }

  /** Starts a broker with its files under {@code dir}; returns when it accepts AMQP connections. */
  static RabbitBroker start(Path dir) throws IOException {
    assertThat(SERVER).as("RabbitMQ is needed for these tests: apt-get install rabbitmq-server").exists();
    RabbitBroker b = new RabbitBroker(dir);
    b.startNode();
    return b;
  }

  /** The broker's URL, with the default guest account (allowed on loopback). */
  String url() {
    return "amqp://guest:guest@127.0.0.1:" + amqpPort + "/%2F";
  }

  /** The broker's AMQP port on loopback. */
  int port() {
    return amqpPort;
  }

  /** A new connection to the broker, for a test's own publishing and consuming. */
  Connection connect() throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(url());
    f.setAutomaticRecoveryEnabled(false);
    return f.newConnection("test");
  }

  /** Stops the node (clients see their connections close) and starts it again on the same data. */
  void restart() throws IOException {
    stopNode();
    startNode();
  }

  private void startNode() throws IOException {
    ProcessBuilder pb = new ProcessBuilder(SERVER.toString());
    Map<String, String> env = pb.environment();
    env.put("HOME", dir.toString()); // the Erlang cookie goes here
    env.put("RABBITMQ_NODENAME", "ffq" + amqpPort + "@localhost");
    env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
    env.put("RABBITMQ_NODE_PORT", Integer.toString(amqpPort));
    env.put("RABBITMQ_DIST_PORT", Integer.toString(distPort));
    env.put("ERL_EPMD_PORT", Integer.toString(epmdPort));
    env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
    env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
    env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
    env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq").toString());
    env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
    env.put("RABBITMQ_PID_FILE", dir.resolve("rabbitmq.pid").toString());
    pb.directory(dir.toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.out").toFile()));
    process = pb.start();
    process.getOutputStream().close();
    await("RabbitMQ on port " + amqpPort + " (log: " + dir.resolve("server.out") + ")")
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("rabbitmq-server exited with " + process.exitValue() + ": "
                + tail(dir.resolve("server.out")));
          }
          try (Connection c = connect()) {
            return c.isOpen();
          } catch (Exception e) {
            return false;
          }
        });
  }

  private void stopNode() {
    if (process == null) {
      return;
    }
    List<ProcessHandle> tree = new java.util.ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    // SIGTERM to the Erlang VM alone: it stops the node in order (queues and messages written to disk), and
    // its helper processes with it. What is left after that is stopped too.
    tree.stream().filter(h -> h.info().command().orElse("").contains("beam")).forEach(ProcessHandle::destroy);
    tree.stream().filter(h -> h.info().command().orElse("").contains("beam")).forEach(h -> {
      try {
        h.onExit().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    });
    tree.forEach(ProcessHandle::destroy);
    for (ProcessHandle h : tree) {
      try {
        h.onExit().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    }
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Stops the node and its epmd. */
  @Override
  public void close() throws IOException {
    stopNode();
    // epmd detaches from the node (its parent is init): ask it to stop, on its own port.
    ProcessBuilder pb = new ProcessBuilder("epmd", "-port", Integer.toString(epmdPort), "-kill");
    pb.environment().put("ERL_EPMD_PORT", Integer.toString(epmdPort));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    p.getInputStream().readAllBytes();
    try {
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    await("epmd on port " + epmdPort + " stops").atMost(Duration.ofSeconds(30)).until(() -> !listening(epmdPort));
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return s.isConnected();
    } catch (IOException e) {
      return false;
    }
  }

  private static int[] freePorts(int n) throws IOException {
    ServerSocket[] sockets = new ServerSocket[n];
    int[] ports = new int[n];
    try {
      for (int i = 0; i < n; i++) {
        sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ports[i] = sockets[i].getLocalPort();
      }
    } finally {
      for (ServerSocket s : sockets) {
        if (s != null) {
          s.close();
        }
      }
    }
    return ports;
  }

  private static String tail(Path file) {
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8);
      return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    } catch (IOException e) {
      return "(no output)";
    }
  }
}
