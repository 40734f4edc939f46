package io.ffmpegqueue.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import io.ffmpegqueue.ffmpeg.FfmpegJob;
import io.ffmpegqueue.ffmpeg.TestFfmpeg;
import io.ffmpegqueue.internal.Fetchers;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.io.HttpInputFetcher;
import io.ffmpegqueue.io.InputFetcher;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OverlappedInputTest {
  private final HttpInputFetcher http = HttpInputFetcher.create();
  private final Fetchers fetchers = new Fetchers(Map.<String, InputFetcher>of("https", http, "http", http,
      "file", FileInputFetcher.allowing(Path.of("/tmp"))));

  @AfterEach
  void close() {
    http.close();
  }

  private boolean overlaps(String command, Map<String, URI> inputs) {
    FfmpegJob job = new FfmpegJob(FfmpegCommand.parse(command), Path.of("/tmp/ws"), List.copyOf(inputs.keySet()),
        List.of("out.mp4"), new TestFfmpeg.Context(command, List.copyOf(inputs.keySet()), List.of("out.mp4")));
    return OverlappedInput.of(job, inputs, fetchers) != null;
  }

  private static Map<String, URI> one(String uri) {
    return Map.of("in.mp4", URI.create(uri));
  }

  @Test
  void one_http_input_read_once_by_its_i_overlaps() {
    assertThat(overlaps("-i in.mp4 -c copy out.mp4", one("https://example.com/a.mp4"))).isTrue();
    assertThat(overlaps("-v info -i in.mp4 -c copy out.mp4", one("https://example.com/a.mp4"))).isTrue();
  }

  @Test
  void inputs_ffmpeg_reads_twice_or_from_the_end_or_probed_by_ffprobe_download_whole_first() {
    String url = "https://example.com/a.mp4";
    assertThat(overlaps("-i in.mp4 -vf movie=in.mp4[m];[in][m]overlay out.mp4", one(url))).as("movie=").isFalse();
    assertThat(overlaps("-i in.mp4 -i in.mp4 -map 0 -map 1 out.mp4", one(url))).as("two -i").isFalse();
    assertThat(overlaps("-sseof -3 -i in.mp4 out.mp4", one(url))).as("-sseof").isFalse();
    assertThat(overlaps("-stream_loop 2 -i in.mp4 out.mp4", one(url))).as("-stream_loop").isFalse();
    assertThat(overlaps("-v error -i in.mp4 out.mp4", one(url))).as("durations from ffprobe").isFalse();
    assertThat(overlaps("-i in.mp4 out.mp4", one("file:///tmp/a.mp4"))).as("a fetcher that tells no progress")
        .isFalse();
    assertThat(overlaps("-i in.mp4 -i b.mp4 out.mp4", Map.of("in.mp4", URI.create(url), "b.mp4", URI.create(url))))
        .as("two inputs").isFalse();
  }
}
