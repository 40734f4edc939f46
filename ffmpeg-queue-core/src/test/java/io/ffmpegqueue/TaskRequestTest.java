package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.memory.InMemoryQueueBackend;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskRequestTest {
  private static TaskRequest.Builder valid() {
    return TaskRequest.builder().command("-i input.mp4 output.mp4")
        .input("input.mp4", "https://example.com/v.mp4").output("output.mp4");
  }

  @Test
  void a_valid_request_keeps_its_fields_and_order() {
    TaskRequest r = valid().input("logo.png", "https://example.com/logo.png").output("thumb.jpg").build();
    assertThat(r.inputs().keySet()).containsExactly("input.mp4", "logo.png");
    assertThat(r.outputs()).containsExactly("output.mp4", "thumb.jpg");
    assertThat(r.outputFilename()).isEqualTo("output.mp4");
  }

  @Test
  void an_empty_command_is_refused_naming_the_field() {
    assertThatThrownBy(() -> valid().command("  ").build())
        .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("command"))
        .hasMessageContaining("must not be empty");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../etc/passwd", "a/b.mp4", "..", ".", "-y", "in put.mp4", "C:\\x.mp4", ""})
  void an_input_name_that_is_not_a_bare_file_name_is_refused(String name) {
    assertThatThrownBy(() -> TaskRequest.builder().command("x").input(name, URI.create("https://e.com/x"))
        .output("out.mp4").build())
        .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("input_files"));
  }

  @Test
  void a_duplicate_output_is_refused() {
    assertThatThrownBy(() -> valid().output("output.mp4").build())
        .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("output_files"))
        .hasMessageContaining("declared twice");
  }

  @Test
  void an_output_that_overwrites_an_input_is_refused() {
    assertThatThrownBy(() -> valid().output("input.mp4").build())
        .isInstanceOf(InvalidTaskException.class).hasMessageContaining("also an input");
  }

  @Test
  void no_output_is_refused() {
    assertThatThrownBy(() -> TaskRequest.builder().command("-i a.mp4 -f null -").build())
        .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("output_filename"));
  }

  @Test
  void a_negative_or_zero_timeout_is_refused() {
    assertThatThrownBy(() -> valid().timeout(Duration.ofSeconds(-1)).build())
        .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("timeout"));
    assertThatThrownBy(() -> valid().timeout(Duration.ZERO).build()).isInstanceOf(InvalidTaskException.class);
  }

  @Test
  void attempts_out_of_range_are_refused() {
    assertThatThrownBy(() -> valid().maxAttempts(-1).build())
        .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("max_attempts"));
    assertThatThrownBy(() -> valid().maxAttempts(1000).build()).isInstanceOf(InvalidTaskException.class);
  }

  @Test
  void a_relative_input_url_is_refused() {
    assertThatThrownBy(() -> valid().input("b.mp4", URI.create("video.mp4")).build())
        .isInstanceOf(InvalidTaskException.class).hasMessageContaining("has no scheme");
  }

  @Test
  void a_malformed_input_url_is_refused_naming_the_input() {
    assertThatThrownBy(() -> valid().input("b.mp4", "http://exa mple.com/").build())
        .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("input_files"))
        .hasMessageContaining("b.mp4");
  }

  @Test
  void collections_are_copied_in() {
    java.util.HashMap<String, String> meta = new java.util.HashMap<>(Map.of("tenant", "a"));
    TaskRequest r = valid().metadata(meta).build();
    meta.put("tenant", "b");
    assertThat(r.metadata()).containsEntry("tenant", "a");
    assertThatThrownBy(() -> r.outputs().add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(List.copyOf(r.inputs().values())).containsExactly(URI.create("https://example.com/v.mp4"));
  }

  @Test
  void stored_requests_that_repeat_a_command_and_file_names_share_one_copy_of_each() {
    // As a JSON parser makes them: equal texts, distinct instances.
    TaskRequest a;
    TaskRequest b;
    try (FfmpegQueueClient client = FfmpegQueueClient.builder(InMemoryQueueBackend.create()).build()) {
      a = client.submit(request(new String("-i in.mp4 -c copy out.mp4"), new String("in.mp4"), new String("out.mp4")))
          .task().request();
      b = client.submit(request(new String("-i in.mp4 -c copy out.mp4"), new String("in.mp4"), new String("out.mp4")))
          .task().request();
    }

    assertThat(b.command()).isEqualTo(a.command()).isSameAs(a.command());
    assertThat(b.inputs().keySet().iterator().next()).isSameAs(a.inputs().keySet().iterator().next());
    assertThat(b.outputs().get(0)).isSameAs(a.outputs().get(0));
    assertThat(b.inputs().get("in.mp4")).isEqualTo(URI.create("https://example.com/a.mp4"));
  }

  private static TaskRequest request(String command, String input, String output) {
    return TaskRequest.builder().command(command).input(input, "https://example.com/a.mp4").output(output).build();
  }
}
