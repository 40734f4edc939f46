package io.ffmpegqueue.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ffmpegqueue.examples.support.Http;
import io.ffmpegqueue.examples.support.TestFfmpeg;
import io.ffmpegqueue.examples.support.TestService;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folder and numbered-pattern outputs through the HTTP service with real ffmpeg: an HLS ladder stored under
 * the task's prefix with its master playlist as {@code output_url}, a long thumbnail sequence listed 100 at a
 * time, and hostile file names refused at registration naming the option; nothing lands outside the task's
 * storage prefix.
 */
class MediaOutputsServiceIT {
  @TempDir
  static Path dir;
  static FfmpegService service;
  static Http http;
  static Path media;

  @BeforeAll
  static void start() throws Exception {
    media = Files.createDirectories(dir.resolve("media"));
    TestFfmpeg.makeClip(media.resolve("clip.mp4"), 2);
    service = TestService.start(dir, Map.of("NUM_WORKERS", "1", "INPUT_ALLOWED_DIRS", media.toString()),
        TestFfmpeg::useRunner);
    http = new Http(service.port(), null);
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  private static Http.Response register(String command, String outputFilename, String outputFiles) {
    return http.post("/ffmpeg/register", "{\"command\": \"" + command + "\", "
        + "\"input_files\": {\"in.mp4\": \"" + media.resolve("clip.mp4").toUri() + "\"}, "
        + "\"output_filename\": \"" + outputFilename + "\", \"output_files\": [" + outputFiles + "]}");
  }

  private static JsonNode awaitFinal(String id) {
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
        .until(() -> List.of("completed", "failed", "cancelled")
            .contains(http.get("/ffmpeg/status/" + id).json().get("status").asText()));
    return http.get("/ffmpeg/status/" + id).json();
  }

  private static void assertOnlyUnderItsPrefix(String id) throws Exception {
    Path outputs = dir.resolve("outputs");
    try (Stream<Path> files = Files.walk(outputs)) {
      // Every stored file lies under a task's own folder; this task's, under its id.
      assertThat(files.filter(Files::isRegularFile).map(outputs::relativize))
          .allMatch(p -> p.getNameCount() >= 2 && p.getName(0).toString().length() == id.length());
    }
    try (Stream<Path> work = Files.walk(dir.resolve("work"))) {
      assertThat(work.filter(Files::isRegularFile)).isEmpty();
    }
    try (Stream<Path> top = Files.list(dir)) {
      assertThat(top.map(p -> p.getFileName().toString())).containsOnly("media", "outputs", "work");
    }
  }

  @Test
  void an_hls_ladder_is_stored_under_the_task_prefix_and_its_master_playlist_is_the_output_url() throws Exception {
    Http.Response r = register("-i in.mp4 -map 0:v -map 0:v -c:v libx264 -preset ultrafast -g 25 "
        + "-s:v:0 320x240 -b:v:0 300k -s:v:1 160x120 -b:v:1 100k -f hls -hls_time 1 -hls_playlist_type vod "
        + "-master_pl_name master.m3u8 -var_stream_map 'v:0,name:hi v:1,name:lo' "
        + "-hls_segment_filename 'hls/%v/seg_%03d.ts' hls/%v/index.m3u8", "hls/master.m3u8", "\"hls/\"");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String id = r.json().get("task_id").asText();

    JsonNode done = awaitFinal(id);
    assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("completed");
    Path master = Path.of(URI.create(done.get("output_url").asText()));
    assertThat(master).isEqualTo(dir.resolve("outputs").resolve(id).resolve("hls/master.m3u8"));
    assertThat(Files.readString(master)).contains("hi/index.m3u8", "lo/index.m3u8");
    assertThat(done.at("/outputs/0/name").asText()).isEqualTo("hls/master.m3u8");
    assertThat(done.at("/outputs/0/content_type").asText()).isEqualTo("application/vnd.apple.mpegurl");
    assertThat(dir.resolve("outputs").resolve(id).resolve("hls/lo/seg_000.ts")).isNotEmptyFile();
    assertOnlyUnderItsPrefix(id);
  }

  @Test
  void a_task_with_more_than_a_hundred_outputs_lists_a_hundred_and_pages_through_the_rest() throws Exception {
    Http.Response r = register("-i in.mp4 -vf fps=60,scale=32:24 thumbs/t_%04d.png", "thumbs/", "");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String id = r.json().get("task_id").asText();

    JsonNode done = awaitFinal(id);
    assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("completed");
    assertThat(done.get("output_url").asText()).endsWith("/" + id + "/thumbs/");
    int total = done.get("outputs_total").asInt();
    assertThat(total).isGreaterThan(100);
    assertThat(done.get("outputs").size()).isEqualTo(100);
    JsonNode page = http.get("/ffmpeg/tasks/" + id + "/outputs?offset=100&limit=1000").json();
    assertThat(page.get("outputs").size()).isEqualTo(total - 100);
    assertThat(page.at("/outputs/0/name").asText()).isEqualTo("thumbs/t_0101.png");
    assertOnlyUnderItsPrefix(id);
  }

  @Test
  void hostile_output_names_are_refused_at_registration_naming_the_option() {
    Http.Response abs = register("-i in.mp4 -f hls -hls_segment_filename /tmp/seg_%03d.ts hls/index.m3u8", "hls/", "");
    assertThat(abs.status()).isEqualTo(400);
    assertThat(abs.json().get("detail").asText()).contains("-hls_segment_filename /tmp/seg_%03d.ts", "absolute path");

    Http.Response climb = register("-i in.mp4 -f hls -master_pl_name ../m.m3u8 hls/index.m3u8", "hls/", "");
    assertThat(climb.status()).isEqualTo(400);
    assertThat(climb.json().get("detail").asText()).contains("-master_pl_name ../m.m3u8");

    Http.Response undeclared = register("-i in.mp4 -f segment seg_%03d.ts", "other_%03d.ts", "");
    assertThat(undeclared.status()).isEqualTo(400);
    assertThat(undeclared.json().get("detail").asText()).contains("'seg_%03d.ts' is outside the declared outputs");

    Http.Response badName = register("-i in.mp4 out.mp4", "../out/", "");
    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.json().get("error").asText()).isNotEmpty();
    assertThat(badName.body()).contains("output_files");
  }
}
