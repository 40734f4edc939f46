package io.ffmpegqueue.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import io.ffmpegqueue.ffmpeg.FfmpegJob;
import io.ffmpegqueue.ffmpeg.TestFfmpeg;
import io.ffmpegqueue.internal.Fetchers;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.io.InputFetcher;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which commands on an HLS folder input start ffmpeg while its segments arrive. */
class OverlappedHlsInputTest {
  private static final URI FOLDER = URI.create("task://a1/hls/");
  private static final TestFfmpeg.Context CONTEXT =
      new TestFfmpeg.Context("-i in.mp4 out.mp4", List.of("in.mp4"), List.of("out.mp4"));
  private final Fetchers fetchers = new Fetchers(Map.<String, InputFetcher>of(
      "file", FileInputFetcher.allowing(Path.of("/tmp")))).with(new TaskOutputFetcher(null, null));

  private boolean overlaps(String command, Map<String, URI> inputs) {
    FfmpegJob job = new FfmpegJob(FfmpegCommand.parse(command), Path.of("/tmp/ws"), List.copyOf(inputs.keySet()),
        List.of("out.mp4"), CONTEXT); // which is not looked at
    return OverlappedHlsInput.of(job, inputs, fetchers) != null;
  }

  @Test
  void a_playlist_of_the_one_folder_input_read_by_one_i_overlaps() {
    assertThat(overlaps("-i hls/index.m3u8 -c copy out.mp4", Map.of("hls/", FOLDER))).isTrue();
    assertThat(overlaps("-i hls/720p/index.m3u8 -c:v libx264 out.mp4", Map.of("hls/", FOLDER))).isTrue();
    assertThat(overlaps("-t 5 -i hls/master.m3u8 -map 0 -c copy out.mp4", Map.of("hls/", FOLDER))).isTrue();
  }

  @Test
  void seeking_a_second_mention_another_input_or_hidden_durations_fetch_the_folder_whole_first() {
    Map<String, URI> folder = Map.of("hls/", FOLDER);
    assertThat(overlaps("-ss 3 -i hls/index.m3u8 out.mp4", folder)).as("-ss on the input").isFalse();
    assertThat(overlaps("-sseof -3 -i hls/index.m3u8 out.mp4", folder)).as("-sseof").isFalse();
    assertThat(overlaps("-stream_loop 1 -i hls/index.m3u8 out.mp4", folder)).as("-stream_loop").isFalse();
    assertThat(overlaps("-i hls/index.m3u8 -metadata comment=hls/ out.mp4", folder)).as("named twice").isFalse();
    assertThat(overlaps("-i hls/a.m3u8 -i hls/b.m3u8 -map 0 -map 1 out.mp4", folder)).as("two -i").isFalse();
    assertThat(overlaps("-v error -i hls/index.m3u8 out.mp4", folder)).as("durations from ffprobe").isFalse();
    assertThat(overlaps("-i hls/index.m3u8 -i logo.png out.mp4",
        Map.of("hls/", FOLDER, "logo.png", URI.create("file:///tmp/logo.png")))).as("two inputs").isFalse();
    assertThat(overlaps("-i in.mp4 out.mp4", Map.of("in.mp4", URI.create("task://a1/in.mp4"))))
        .as("a file, not a folder").isFalse();
  }
}
