package io.ffmpegqueue.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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

        worker.destroy(); // SIGTERM: the worker drains and stops
        assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
      } finally {
        worker.destroyForcibly();
      }
    }
  }
}
