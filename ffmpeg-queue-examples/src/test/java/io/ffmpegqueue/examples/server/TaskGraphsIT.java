package io.ffmpegqueue.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ffmpegqueue.examples.support.Http;
import io.ffmpegqueue.examples.support.TestService;
import io.ffmpegqueue.testing.FakeFfmpegRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Task graphs over HTTP: depends_on, task:// inputs, a join with "command": null, waiting tasks, the cascade. */
class TaskGraphsIT {
  @TempDir
  Path dir;

  private static String register(Http http, String body) {
    Http.Response r = http.post("/ffmpeg/register", body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("task_id").asText();
  }

  private static JsonNode awaitStatus(Http http, String id, String status) {
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .until(() -> http.get("/ffmpeg/status/" + id).json().get("status").asText().equals(status));
    return http.get("/ffmpeg/status/" + id).json();
  }

  @Test
  void a_task_reads_its_parents_output_and_a_join_completes_after_it() {
    try (FfmpegService service = TestService.startWithFakeFfmpeg(dir, Map.of("NUM_WORKERS", "2"), new FakeFfmpegRunner())) {
      Http http = new Http(service.port(), null);
      String parent = register(http, TestService.taskJson(dir, "video.mp4"));
      String child = register(http, "{\"command\": \"-i video.mp4 thumb.jpg\", \"input_files\": {\"video.mp4\":"
          + " \"task://" + parent + "/video.mp4\"}, \"output_filename\": \"thumb.jpg\"}");
      String join = register(http, "{\"command\": null, \"depends_on\": [\"" + parent + "\", \"" + child + "\"]}");

      JsonNode done = awaitStatus(http, join, "completed");
      assertThat(done.get("command").isNull()).isTrue();
      assertThat(done.get("depends_on")).hasSize(2);
      assertThat(done.get("waiting_for")).isEmpty();
      JsonNode thumb = http.get("/ffmpeg/status/" + child).json();
      assertThat(thumb.get("status").asText()).as(thumb.toString()).isEqualTo("completed");
      assertThat(thumb.get("depends_on").get(0).asText()).isEqualTo(parent);
    }
  }

  @Test
  void waiting_tasks_are_listed_apart_not_counted_in_the_queue_size_and_cancelled_with_their_parent() {
    try (FfmpegService service = TestService.startWithFakeFfmpeg(dir, Map.of("NUM_WORKERS", "0"), new FakeFfmpegRunner())) {
      Http http = new Http(service.port(), null);
      String parent = register(http, TestService.taskJson(dir, "video.mp4"));
      String child = register(http, "{\"command\": null, \"depends_on\": [\"" + parent + "\"]}");
      JsonNode waiting = http.get("/ffmpeg/status/" + child).json();
      assertThat(waiting.get("status").asText()).isEqualTo("pending");
      assertThat(waiting.get("waiting_for").get(0).asText()).isEqualTo(parent);
      assertThat(http.get("/ffmpeg/queue/size").json().get("queue_size").asLong()).isEqualTo(1);
      JsonNode listed = http.get("/ffmpeg/tasks?waiting=true").json();
      assertThat(listed.get("count").asInt()).isEqualTo(1);
      assertThat(listed.at("/tasks/0/task_id").asText()).isEqualTo(child);

      assertThat(http.delete("/ffmpeg/tasks/" + parent).status()).isEqualTo(200);
      JsonNode cancelled = awaitStatus(http, child, "cancelled");
      assertThat(cancelled.at("/error/kind").asText()).isEqualTo("dependency");
      assertThat(cancelled.get("error_message").asText()).contains(parent);
    }
  }

  @Test
  void an_unknown_parent_or_a_join_with_files_is_refused_naming_the_field() {
    try (FfmpegService service = TestService.startWithFakeFfmpeg(dir, Map.of("NUM_WORKERS", "0"), new FakeFfmpegRunner())) {
      Http http = new Http(service.port(), null);
      Http.Response unknown = http.post("/ffmpeg/register", "{\"command\": null, \"depends_on\": [\"no-such-task\"]}");
      assertThat(unknown.status()).isEqualTo(400);
      assertThat(unknown.body()).contains("depends_on").contains("no-such-task");
      Http.Response files = http.post("/ffmpeg/register",
          "{\"command\": null, \"depends_on\": [\"x\"], \"output_filename\": \"out.mp4\"}");
      assertThat(files.status()).isEqualTo(400);
      assertThat(files.body()).contains("output_files");
      Http.Response noCommand = http.post("/ffmpeg/register", "{\"command\": null, \"output_filename\": \"o.mp4\"}");
      assertThat(noCommand.status()).isEqualTo(400);
      assertThat(noCommand.body()).contains("command");
    }
  }
}
