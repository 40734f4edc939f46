package io.ffmpegqueue.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ffmpegqueue.examples.support.EventStream;
import io.ffmpegqueue.examples.support.Http;
import io.ffmpegqueue.examples.support.TestFfmpeg;
import io.ffmpegqueue.examples.support.TestService;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with real ffmpeg: HTTP registration, a worker fetching a {@code file:} input, ffmpeg
 * encoding, local storage, and the answers on the way. Until the real runner lands in the core, ffmpeg is
 * run by the test-only runner that {@link TestFfmpeg#useRunner} falls back to.
 */
class FfmpegTasksIT {
  @TempDir
  static Path dir;
  static FfmpegService service;
  static Http http;
  static Path media;

  @BeforeAll
  static void start() throws Exception {
    media = Files.createDirectories(dir.resolve("media"));
    TestFfmpeg.makeClip(media.resolve("short.mp4"), 2);
    TestFfmpeg.makeClip(media.resolve("long.mp4"), 8);
    service = TestService.start(dir, Map.of("NUM_WORKERS", "2", "INPUT_ALLOWED_DIRS", media.toString()),
        TestFfmpeg::useRunner);
    http = new Http(service.port(), null);
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  private static String register(String command, String input, String extra) {
    Http.Response r = http.post("/ffmpeg/register", "{\"command\": \"" + command + "\", "
        + "\"input_files\": {\"input.mp4\": \"" + media.resolve(input).toUri() + "\"}, "
        + "\"output_filename\": \"output.mp4\"" + extra + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("task_id").asText();
  }

  private static JsonNode awaitFinal(String id, Duration atMost) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(100))
        .until(() -> List.of("completed", "failed", "cancelled").contains(status(id)));
    return http.get("/ffmpeg/status/" + id).json();
  }

  private static String status(String id) {
    return http.get("/ffmpeg/status/" + id).json().get("status").asText();
  }

  @Test
  void a_registered_task_is_transcoded_and_its_output_is_a_playable_video() throws Exception {
    String id = register("-i input.mp4 -vf scale=160:-2 -c:v libx264 -preset ultrafast -c:a aac output.mp4", "short.mp4", "");
    JsonNode done = awaitFinal(id, Duration.ofSeconds(60));
    assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("completed");
    assertThat(done.get("error_message").isNull()).isTrue();
    Path output = Path.of(URI.create(done.get("output_url").asText()));
    assertThat(output).startsWith(dir.resolve("outputs")).endsWith(Path.of(id, "output.mp4"));
    assertThat(done.at("/outputs/0/size").asLong()).isEqualTo(Files.size(output));

    JsonNode probe = TestFfmpeg.probe(output);
    assertThat(probe.at("/format/duration").asDouble()).isBetween(1.8, 2.3);
    JsonNode video = null;
    JsonNode audio = null;
    for (JsonNode s : probe.get("streams")) {
      if (s.get("codec_type").asText().equals("video")) {
        video = s;
      } else if (s.get("codec_type").asText().equals("audio")) {
        audio = s;
      }
    }
    assertThat(video).isNotNull();
    assertThat(video.get("codec_name").asText()).isEqualTo("h264");
    assertThat(video.get("width").asInt()).isEqualTo(160);
    assertThat(video.get("height").asInt()).isEqualTo(120);
    assertThat(audio).isNotNull();
    assertThat(audio.get("codec_name").asText()).isEqualTo("aac");
    assertThat(workspaces()).as("the workspace is removed").isEmpty();
  }

  @Test
  void the_event_stream_of_a_real_encode_sees_progress_then_completion() throws Exception {
    // -re reads at the clip's own pace, so the 8 s encode reports progress for a while.
    String id = register("-re -i input.mp4 -c:v libx264 -preset ultrafast -c:a aac output.mp4", "long.mp4", "");
    HttpResponse<Stream<String>> resp = http.client().send(http.request("/ffmpeg/tasks/" + id + "/events").GET().build(),
        HttpResponse.BodyHandlers.ofLines());
    assertThat(resp.statusCode()).isEqualTo(200);
    List<String> events = new ArrayList<>();
    List<Double> fractions = new ArrayList<>();
    List<JsonNode> data = new ArrayList<>();
    Http.readEvents(resp, (event, json) -> {
      events.add(event);
      data.add(json);
      if (event.equals("progress") && json.get("progress").isNumber()) {
        fractions.add(json.get("progress").asDouble());
      }
    });
    JsonNode last = data.get(data.size() - 1);
    EventStream.assertShape(events, false, 2);
    assertThat(events.indexOf("progress")).isLessThan(events.indexOf("completed"));
    assertThat(fractions).as("progress rises").isSorted().isNotEmpty();
    assertThat(fractions.get(fractions.size() - 1)).isGreaterThan(0.5);
    assertThat(last.get("status").asText()).isEqualTo("completed");
    assertThat(last.get("output_url").asText()).endsWith(id + "/output.mp4");
  }

  @Test
  void cancelling_a_running_encode_stops_ffmpeg_and_leaves_no_output_or_workspace() throws Exception {
    String id = register("-re -i input.mp4 -c:v libx264 -preset ultrafast -c:a aac output.mp4", "long.mp4", "");
    await().atMost(Duration.ofSeconds(20)).until(() -> http.get("/ffmpeg/status/" + id).json().get("progress").isNumber());
    assertThat(ffmpegChildren()).as("ffmpeg runs").isNotEmpty();

    Http.Response r = http.delete("/ffmpeg/tasks/" + id);
    assertThat(r.status()).isEqualTo(202);
    JsonNode done = awaitFinal(id, Duration.ofSeconds(20));
    assertThat(done.get("status").asText()).isEqualTo("cancelled");
    assertThat(done.get("output_url").isNull()).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> ffmpegChildren().isEmpty());
    assertThat(dir.resolve("outputs").resolve(id)).doesNotExist();
    assertThat(workspaces()).isEmpty();
  }

  @Test
  void an_ffmpeg_error_fails_the_task_with_its_reason_in_error_message() {
    String id = register("-i input.mp4 -c:v no_such_codec output.mp4", "short.mp4", ", \"max_attempts\": 1");
    JsonNode done = awaitFinal(id, Duration.ofSeconds(30));
    assertThat(done.get("status").asText()).isEqualTo("failed");
    assertThat(done.get("error_message").asText()).containsIgnoringCase("ffmpeg").containsIgnoringCase("encoder");
    assertThat(done.at("/error/kind").asText()).isEqualTo("ffmpeg");
    assertThat(done.get("output_url").isNull()).isTrue();
  }

  private static List<ProcessHandle> ffmpegChildren() {
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("ffmpeg")).orElse(false))
        .toList();
  }

  private static List<Path> workspaces() throws Exception {
    Path work = dir.resolve("work");
    if (!Files.exists(work)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(work)) {
      return s.toList();
    }
  }
}
