package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SplitRequestTest {
  private static TaskRequest.Builder request(String command) {
    return TaskRequest.builder().command(command).input("in.mp4", "https://example.com/v.mp4").output("out.mp4");
  }

  @Test
  void a_split_request_keeps_its_segment_through_json() {
    TaskRequest r = request("-i in.mp4 -vf scale=640:-2 -c:v libx264 -crf 23 out.mp4").split(new Split(10)).build();
    Task back = TaskJson.fromJson(TaskJson.toJson(Task.pending(TaskId.random(), r, Instant.EPOCH)));
    assertThat(back.request().split()).isEqualTo(new Split(10));
    assertThat(TaskJson.toJson(Task.pending(TaskId.random(), r, Instant.EPOCH)).path("split").path("segment_seconds").asDouble())
        .isEqualTo(10.0);
    assertThat(request("-i in.mp4 out.mp4").build().split()).isNull();
  }

  @Test
  void the_documented_request_builds() {
    // docs/split-and-stitch.md
    TaskRequest request = TaskRequest.builder()
        .command("-i in.mp4 -vf scale=640:-2 -c:v libx264 -crf 23 out.mp4")
        .input("in.mp4", "https://example.com/v.mp4")
        .output("out.mp4")
        .split(new Split(10))          // or Split.DEFAULT: 30 s
        .build();
    assertThat(request.split().segmentSeconds()).isEqualTo(10);
  }

  @Test
  void segments_shorter_than_two_seconds_are_refused_and_thirty_is_the_default() {
    assertThat(Split.DEFAULT.segmentSeconds()).isEqualTo(30);
    assertThatThrownBy(() -> new Split(1.5)).isInstanceOf(InvalidTaskException.class).hasMessageContaining("between 2 and");
  }

  @Test
  void a_command_that_cannot_be_split_is_refused_at_registration_with_the_reason() {
    assertThatThrownBy(() -> request("-i in.mp4 -vf tmix=frames=3 out.mp4").split(Split.DEFAULT).build())
        .isInstanceOf(InvalidTaskException.class)
        .hasMessageContaining("'tmix' is not on the list of per-frame filters")
        .extracting(e -> ((InvalidTaskException) e).field()).isEqualTo("split");
    // the same command runs unsplit
    assertThat(request("-i in.mp4 -vf tmix=frames=3 out.mp4").build().split()).isNull();
  }
}
