package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ffmpegqueue.ffmpeg.MediaInfo;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskJsonTest {
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");

  private static TaskRequest request() {
    return TaskRequest.builder()
        .command("-i input.mp4 -vf \"scale=640:-2\" output.mp4")
        .input("input.mp4", "https://example.com/video.mp4")
        .output("output.mp4")
        .output("thumb.jpg")
        .priority(-3)
        .timeout(Duration.ofMillis(90_500))
        .maxAttempts(4)
        .idempotencyKey("upload-42")
        .metadata("tenant", "acme")
        .build();
  }

  @Test
  void a_new_task_has_the_guides_four_fields_with_pending_status_and_nulls() throws Exception {
    Task t = Task.pending(TaskId.of("abc-123-def"), request(), T0);
    JsonNode n = TaskJson.mapper().readTree(TaskJson.write(t));
    assertThat(n.get("task_id").asText()).isEqualTo("abc-123-def");
    assertThat(n.get("status").asText()).isEqualTo("pending");
    assertThat(n.has("output_url")).isTrue();
    assertThat(n.get("output_url").isNull()).isTrue();
    assertThat(n.has("error_message")).isTrue();
    assertThat(n.get("error_message").isNull()).isTrue();
    assertThat(n.get("output_filename").asText()).isEqualTo("output.mp4");
    assertThat(n.get("input_files").get("input.mp4").asText()).isEqualTo("https://example.com/video.mp4");
  }

  @Test
  void a_completed_task_round_trips_with_outputs_and_media() {
    MediaInfo media = new MediaInfo("mov,mp4", 10.0, List.of(new MediaInfo.StreamInfo(0, "video", "h264", 640, 360)));
    Task t = Task.pending(TaskId.random(), request(), T0).toBuilder()
        .status(TaskStatus.COMPLETED).attempt(2).progress(1.0)
        .outputs(List.of(
            new TaskOutput("output.mp4", URI.create("s3://b/ffmpeg-outputs/x/output.mp4"), 1234, "video/mp4",
                "sha256:00ff", URI.create("https://b.s3.example.com/x?sig=1"), media),
            new TaskOutput("thumb.jpg", URI.create("s3://b/ffmpeg-outputs/x/thumb.jpg"), 10, null, null, null, null)))
        .startedAt(T0.plusSeconds(1)).finishedAt(T0.plusSeconds(5))
        .build();
    String json = TaskJson.write(t);
    assertThat(json).contains("\"status\":\"completed\"").contains("\"output_url\":\"s3://b/ffmpeg-outputs/x/output.mp4\"");
    assertThat(TaskJson.read(json)).isEqualTo(t);
  }

  @Test
  void a_failed_task_round_trips_with_its_error() {
    Task t = Task.pending(TaskId.random(), request(), T0).toBuilder()
        .status(TaskStatus.FAILED).attempt(1)
        .error(new TaskError(ErrorKind.FFMPEG, "ffmpeg exited with 1: Invalid argument", "line1\nline2"))
        .finishedAt(T0.plusSeconds(2))
        .build();
    String json = TaskJson.write(t);
    assertThat(json).contains("\"error_message\":\"ffmpeg exited with 1: Invalid argument\"")
        .contains("\"kind\":\"ffmpeg\"");
    assertThat(TaskJson.read(json)).isEqualTo(t);
  }

  @Test
  void every_status_is_written_lowercase_and_read_back() {
    for (TaskStatus s : TaskStatus.values()) {
      Task t = Task.pending(TaskId.random(), request(), T0).toBuilder().status(s).build();
      assertThat(TaskJson.write(t)).contains("\"status\":\"" + s.name().toLowerCase() + "\"");
      assertThat(TaskJson.read(TaskJson.write(t)).status()).isEqualTo(s);
    }
  }
}
