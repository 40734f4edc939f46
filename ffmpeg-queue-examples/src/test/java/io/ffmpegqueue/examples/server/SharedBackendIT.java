package io.ffmpegqueue.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ffmpegqueue.examples.support.EventStream;
import io.ffmpegqueue.examples.support.Http;
import io.ffmpegqueue.examples.support.TestFfmpeg;
import io.ffmpegqueue.examples.support.TestService;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guide's "Running Workers Separately" with QUEUE_BACKEND=postgres: the API with NUM_WORKERS=0 in one
 * process, the standalone worker jar in another, one database. The worker serves the API's queue.
 */
class SharedBackendIT {
  @TempDir
  static Path dir;
  static EmbeddedPostgres db;
  static String databaseUrl;

  @BeforeAll
  static void startDatabase() throws Exception {
    db = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
    databaseUrl = "postgresql://postgres@127.0.0.1:" + db.getPort() + "/postgres";
  }

  @AfterAll
  static void stopDatabase() throws Exception {
    db.close();
  }

  @Test
  void a_worker_process_on_the_shared_backend_runs_the_tasks_the_api_registers() throws Exception {
    Path media = TestService.media(dir);
    TestFfmpeg.makeClip(media.resolve("clip.mp4"), 1);
    TestFfmpeg.makeClip(media.resolve("four.mp4"), 4);
    Map<String, String> shared = Map.of("QUEUE_BACKEND", "postgres", "DATABASE_URL", databaseUrl);
    try (FfmpegService api = TestService.start(dir, new java.util.HashMap<>(Map.of("NUM_WORKERS", "0",
        "QUEUE_BACKEND", "postgres", "DATABASE_URL", databaseUrl)), b -> { })) {
      Http http = new Http(api.port(), null);
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

      Path log = dir.resolve("worker.log");
      Process worker = startWorker(media, shared, log);
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

        // The same event types in the same order as with the API's own workers: progress, not status repeats.
        EventStream.assertShape(stream.events(), true, 2);

        // A task of one attempt, handed back when its worker is stopped (SIGTERM, no drain time) and then
        // completed by another worker, reads attempts 1 of max_attempts 1: the hand-back is not an attempt.
        Http.Response once = http.post("/ffmpeg/register", "{\"command\": \"-re -i input.mp4 -c:v libx264"
            + " -preset ultrafast output.mp4\", \"input_files\": {\"input.mp4\": \"" + media.resolve("four.mp4").toUri()
            + "\"}, \"output_filename\": \"output.mp4\", \"max_attempts\": 1}");
        assertThat(once.status()).as(once.body()).isEqualTo(200);
        String onceId = once.json().get("task_id").asText();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> http.get("/ffmpeg/status/" + onceId).json().get("status").asText().equals("running"));
        worker.destroy(); // SIGTERM: DRAIN_TIMEOUT=0, so the running task goes back to the queue
        assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
        JsonNode back = http.get("/ffmpeg/status/" + onceId).json();
        assertThat(back.get("status").asText()).as(back.toString()).isEqualTo("pending");
        assertThat(back.get("attempts").asInt()).as(back.toString()).isZero();
        Process second = startWorker(media, shared, dir.resolve("worker2.log"));
        try {
          await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
              .until(() -> http.get("/ffmpeg/status/" + onceId).json().get("status").asText().equals("completed"));
          JsonNode again = http.get("/ffmpeg/status/" + onceId).json();
          assertThat(again.get("attempts").asInt()).as(again.toString()).isEqualTo(1);
          assertThat(again.get("max_attempts").asInt()).isEqualTo(1);
          second.destroy();
          assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
          second.destroyForcibly();
        }
      } finally {
        worker.destroyForcibly();
      }
    }
  }

  /** The standalone worker jar in a process of its own, one worker, no drain time at SIGTERM. */
  private static Process startWorker(Path media, Map<String, String> shared, Path log) throws Exception {
    Path jar = Path.of("target", "ffmpeg-queue-worker.jar").toAbsolutePath();
    assertThat(jar).as("built by the package phase").exists();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", jar.toString(), "--num-workers", "1"));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("S3_") || k.startsWith("AWS_") || k.equals("NUM_WORKERS"));
    pb.environment().putAll(shared);
    pb.environment().put("DRAIN_TIMEOUT", "0");
    pb.environment().put("INPUT_ALLOWED_DIRS", media.toString());
    pb.environment().put("OUTPUT_DIR", dir.resolve("worker-outputs").toString());
    pb.environment().put("WORK_DIR", dir.resolve("worker-work").toString());
    return pb.start();
  }
}
