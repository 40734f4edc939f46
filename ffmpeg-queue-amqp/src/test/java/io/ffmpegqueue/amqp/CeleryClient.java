package io.ffmpegqueue.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ffmpegqueue.TaskJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The real Celery client (Debian's {@code python3-celery}) running {@code celery_client.py}: it sends the
 * tasks with {@code send_task} and waits for each with {@code AsyncResult.get()}, as an application does.
 */
final class CeleryClient {
  private final Process process;
  private final CountDownLatch sent = new CountDownLatch(1);
  private final CompletableFuture<JsonNode> results = new CompletableFuture<>();
  private final StringBuilder stderr = new StringBuilder();

  private CeleryClient(Process process) {
    this.process = process;
    Thread out = new Thread(this::readOut, "celery-client-out");
    out.setDaemon(true);
    out.start();
    Thread err = new Thread(() -> readErr(process.getErrorStream()), "celery-client-err");
    err.setDaemon(true);
    err.start();
  }

  /** A task spec: the kwargs, and what to watch. */
  static ObjectNode task(ObjectNode kwargs) {
    ObjectNode t = TaskJson.mapper().createObjectNode();
    t.set("kwargs", kwargs);
    return t;
  }

  /** Starts the client on {@code tasks}; {@code dir} holds its spec file. */
  static CeleryClient start(Path dir, String brokerUrl, String queue, List<ObjectNode> tasks, int timeoutSeconds)
      throws IOException {
    return start(dir, brokerUrl, queue, tasks, timeoutSeconds, false);
  }

  /** Starts the client; with {@code waitForGo} it waits for {@link #go()} between sending and waiting. */
  static CeleryClient start(Path dir, String brokerUrl, String queue, List<ObjectNode> tasks, int timeoutSeconds,
      boolean waitForGo) throws IOException {
    ObjectNode spec = TaskJson.mapper().createObjectNode();
    spec.put("wait_for_go", waitForGo);
    return start(dir, brokerUrl, queue, tasks, timeoutSeconds, spec);
  }

  private static CeleryClient start(Path dir, String brokerUrl, String queue, List<ObjectNode> tasks,
      int timeoutSeconds, ObjectNode spec) throws IOException {
    boolean waitForGo = spec.path("wait_for_go").asBoolean();
    spec.put("broker", brokerUrl);
    spec.put("queue", queue);
    spec.put("timeout", timeoutSeconds);
    ArrayNode list = spec.putArray("tasks");
    tasks.forEach(list::add);
    Path file = Files.createTempFile(dir, "celery-spec", ".json");
    Files.writeString(file, spec.toString());
    Path script = dir.resolve("celery_client.py");
    if (!Files.exists(script)) {
      try (InputStream in = CeleryClient.class.getResourceAsStream("/celery_client.py")) {
        Files.copy(in, script);
      }
    }
    ProcessBuilder pb = new ProcessBuilder(python(), script.toString(), file.toString());
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process p = pb.start();
    if (!waitForGo) {
      p.getOutputStream().close();
    }
    return new CeleryClient(p);
  }

  /** Debian's Python, where {@code python3-celery} is installed (a {@code python3} first on the PATH may lack it). */
  static String python() {
    return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
  }

  /** Lets a client started with {@code waitForGo} go on to wait for its results. */
  void go() throws IOException {
    process.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
  }

  /** Waits until every task is sent. */
  void awaitSent(long seconds) throws InterruptedException {
    assertThat(sent.await(seconds, TimeUnit.SECONDS)).as("the Celery client sent its tasks; stderr: %s", stderr).isTrue();
  }

  /** Waits for the client to end and returns one result per task, in the order sent. */
  List<JsonNode> results(long seconds) throws Exception {
    boolean ended = process.waitFor(seconds, TimeUnit.SECONDS);
    if (!ended) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    assertThat(ended).as("the Celery client ended within %d s; stderr: %s", seconds, stderr).isTrue();
    JsonNode out = results.get(10, TimeUnit.SECONDS);
    assertThat(out).as("the Celery client's results; exit %d, stderr: %s", process.exitValue(), stderr).isNotNull();
    List<JsonNode> list = new ArrayList<>();
    out.forEach(list::add);
    return list;
  }

  private void readOut() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      JsonNode last = null;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("sent ")) {
          sent.countDown();
        } else if (line.startsWith("[")) {
          last = TaskJson.mapper().readTree(line);
        }
      }
      results.complete(last);
    } catch (IOException e) {
      results.completeExceptionally(e);
    }
  }

  private void readErr(InputStream in) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        System.err.println(line); // beside the service's log lines, in order
        synchronized (stderr) {
          if (stderr.length() < 20_000) {
            stderr.append(line).append('\n');
          }
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }
}
