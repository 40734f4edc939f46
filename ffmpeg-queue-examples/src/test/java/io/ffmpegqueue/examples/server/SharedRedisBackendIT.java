package io.ffmpegqueue.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.ffmpegqueue.examples.support.EventStream;
import io.ffmpegqueue.examples.support.Http;
import io.ffmpegqueue.examples.support.TestFfmpeg;
import io.ffmpegqueue.examples.support.TestService;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guide's "Running Workers Separately" with QUEUE_BACKEND=redis: the API with NUM_WORKERS=0 in one process,
 * the standalone worker jar in another, one Redis (Debian's redis-server, on a free loopback port, no AOF). The
 * worker serves the API's queue, and the API's /health warns that Redis keeps no AOF. Both processes send
 * webhooks: the task's is stored with its end in Redis and POSTed once, by whichever process claims it.
 */
class SharedRedisBackendIT {
  @TempDir
  static Path dir;
  static Process redis;
  static String redisUrl;

  @BeforeAll
  static void startRedis() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path data = Files.createDirectories(dir.resolve("redis"));
    String server = System.getenv().getOrDefault("REDIS_SERVER", "/usr/bin/redis-server");
    redis = new ProcessBuilder(server, "--port", String.valueOf(port), "--bind", "127.0.0.1", "--dir",
        data.toString(), "--save", "", "--appendonly", "no").redirectErrorStream(true)
        .redirectOutput(data.resolve("redis.log").toFile()).start();
    int p = port;
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", p), 200);
        return true;
      } catch (java.io.IOException e) {
        return false;
      }
    });
    redisUrl = "redis://127.0.0.1:" + port;
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.destroy();
    redis.waitFor(20, TimeUnit.SECONDS);
  }

  @Test
  void a_worker_process_on_redis_runs_the_tasks_the_api_registers() throws Exception {
    Path media = TestService.media(dir);
    TestFfmpeg.makeClip(media.resolve("clip.mp4"), 1);
    TestFfmpeg.makeClip(media.resolve("four.mp4"), 4);
    List<String> deliveries = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/hook", ex -> {
      ex.getRequestBody().readAllBytes();
      deliveries.add(ex.getRequestHeaders().getFirst("X-FFQ-Delivery"));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    receiver.start();
    Map<String, String> shared = Map.of("QUEUE_BACKEND", "redis", "REDIS_URL", redisUrl,
        "WEBHOOK_URL", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
        "WEBHOOK_ALLOWED_HOSTS", "127.0.0.1");
    Map<String, String> apiEnv = new java.util.HashMap<>(shared);
    apiEnv.put("NUM_WORKERS", "0");
    try (FfmpegService api = TestService.start(dir, apiEnv, b -> { })) {
      Http http = new Http(api.port(), null);
      JsonNode health = http.get("/health").json();
      assertThat(health.at("/status").asText()).as(health.toString()).isEqualTo("ok");
      assertThat(health.at("/checks/redis/detail").asText()).contains("no AOF");
      Http.Response r = http.post("/ffmpeg/register", "{\"command\": \"-i input.mp4 -vf scale=160:-2 -c:v libx264"
          + " -preset ultrafast output.mp4\", \"input_files\": {\"input.mp4\": \"" + media.resolve("clip.mp4").toUri()
          + "\"}, \"output_filename\": \"output.mp4\"}");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      String id = r.json().get("task_id").asText();
      assertThat(http.get("/ffmpeg/queue/size").json().get("queue_size").asInt()).isEqualTo(1);
      // -re: the encode takes the clip's 4 s, so the worker in the other process reports progress for a while.
      Http.Response paced = http.post("/ffmpeg/register", "{\"command\": \"-re -i input.mp4 -c:v libx264"
          + " -preset ultrafast output.mp4\", \"input_files\": {\"input.mp4\": \"" + media.resolve("four.mp4").toUri()
          + "\"}, \"output_filename\": \"output.mp4\"}");
      assertThat(paced.status()).as(paced.body()).isEqualTo(200);
      EventStream stream = EventStream.open(http, paced.json().get("task_id").asText());

      Path jar = Path.of("target", "ffmpeg-queue-worker.jar").toAbsolutePath();
      assertThat(jar).as("built by the package phase").exists();
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-jar", jar.toString(), "--num-workers", "1"));
      Path log = dir.resolve("worker.log");
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("S3_") || k.startsWith("AWS_") || k.equals("NUM_WORKERS"));
      pb.environment().putAll(shared);
      pb.environment().put("INPUT_ALLOWED_DIRS", media.toString());
      pb.environment().put("OUTPUT_DIR", dir.resolve("worker-outputs").toString());
      pb.environment().put("WORK_DIR", dir.resolve("worker-work").toString());
      Process worker = pb.start();
      try {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
            .until(() -> List.of("completed", "failed").contains(http.get("/ffmpeg/status/" + id).json().get("status").asText()));
        JsonNode done = http.get("/ffmpeg/status/" + id).json();
        assertThat(done.get("status").asText()).as(done + "\n" + Files.readString(log, StandardCharsets.UTF_8))
            .isEqualTo("completed");
        Path output = Path.of(URI.create(done.get("output_url").asText()));
        assertThat(output).startsWith(dir.resolve("worker-outputs")).exists();
        JsonNode probe = TestFfmpeg.probe(output);
        assertThat(probe.at("/streams/0/width").asInt()).isEqualTo(160);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
            http.get("/ffmpeg/status/" + id).json().at("/webhook/state").asText().equals("delivered"));
        String deliveryId = http.get("/ffmpeg/status/" + id).json().at("/webhook/delivery_id").asText();
        // The paced task's own delivery may come too; this task's is POSTed once, by one of the two processes.
        assertThat(deliveries).as("the POSTs of this task's delivery").filteredOn(deliveryId::equals).hasSize(1);

        // The same event types in the same order as with the API's own workers: progress, not status repeats.
        EventStream.assertShape(stream.events(), true, 2);

        worker.destroy(); // SIGTERM: the worker drains and stops
        assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
      } finally {
        worker.destroyForcibly();
      }
    } finally {
      receiver.stop(0);
    }
  }
}
