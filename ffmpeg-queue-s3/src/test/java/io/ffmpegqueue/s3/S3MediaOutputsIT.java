package io.ffmpegqueue.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.OutputLimits;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.CapturedRun;
import io.ffmpegqueue.ffmpeg.FfmpegInstallation;
import io.ffmpegqueue.ffmpeg.FfmpegLocator;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.io.StoredFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An HLS ladder stored in S3 (S3Proxy) while ffmpeg encodes, read back by ffmpeg over the S3 endpoint's
 * HTTP to the end; a failed attempt leaves nothing under the task's prefix.
 */
class S3MediaOutputsIT {
  private static final String BUCKET = "media";

  @TempDir
  static Path dir;
  static S3ProxyServer server;
  static S3Client admin;
  static FfmpegInstallation ffmpeg;
  static double inputDuration;

  @BeforeAll
  static void start() throws Exception {
    server = S3ProxyServer.startPublic(java.nio.file.Files.createDirectories(dir.resolve("s3")));
    admin = server.adminClient();
    admin.createBucket(b -> b.bucket(BUCKET));
    ffmpeg = FfmpegLocator.defaults().locate();
    java.nio.file.Files.createDirectories(dir.resolve("in"));
    run(List.of(ffmpeg.ffmpeg().toString(), "-v", "error", "-f", "lavfi", "-i", "testsrc=d=3:s=320x240:r=25",
        "-f", "lavfi", "-i", "sine=d=3", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-shortest", dir.resolve("in/in.mp4").toString()));
    inputDuration = duration(dir.resolve("in/in.mp4").toString());
  }

  @AfterAll
  static void stop() {
    admin.close();
    server.close();
  }

  private static CapturedRun run(List<String> command) {
    CapturedRun r = CapturedRun.run(command, dir, null, Duration.ofSeconds(60));
    assertThat(r.succeeded()).as("%s: %s", command, r.stderr()).isTrue();
    return r;
  }

  private static double duration(String url) {
    Path ffprobe = ffmpeg.ffprobe() != null ? ffmpeg.ffprobe() : Path.of("ffprobe");
    return Double.parseDouble(run(List.of(ffprobe.toString(), "-v", "error", "-show_entries", "format=duration",
        "-of", "default=nw=1:nk=1", url)).stdout().trim());
  }

  private Task run(S3Storage storage, OutputLimits limits, String command, String... outputs) throws Exception {
    try (FfmpegQueue queue = FfmpegQueue.builder()
        .storage(storage)
        .fetcher(FileInputFetcher.allowing(dir.resolve("in")))
        .workspaceRoot(dir.resolve("work"))
        .minFreeSpace(0)
        .outputLimits(limits)
        .pollWait(Duration.ofMillis(100))
        .workers(1)
        .build()) {
      return queue.submit(TaskRequest.builder().command(command).input("in.mp4", dir.resolve("in/in.mp4").toUri())
          .outputs(List.of(outputs)).maxAttempts(1).build()).completion().get(120, TimeUnit.SECONDS);
    }
  }

  @Test
  void an_hls_ladder_stored_in_s3_plays_every_rendition_to_the_end_over_http() throws Exception {
    try (S3Storage storage = server.storage(BUCKET).build()) {
      Task done = run(storage, OutputLimits.defaults(), "-i in.mp4 -map 0:v -map 0:a -map 0:v -map 0:a -map 0:v -map 0:a "
          + "-c:v libx264 -preset ultrafast -g 25 -c:a aac -s:v:0 320x240 -b:v:0 400k -s:v:1 240x180 -b:v:1 200k "
          + "-s:v:2 160x120 -b:v:2 100k -f hls -hls_time 1 -hls_playlist_type vod -master_pl_name master.m3u8 "
          + "-var_stream_map 'v:0,a:0,name:high v:1,a:1,name:mid v:2,a:2,name:low' "
          + "-hls_segment_filename 'hls/%v/seg_%03d.ts' hls/%v/index.m3u8", "hls/master.m3u8", "hls/");

      assertThat(done.status()).as("%s", done.errorMessage()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(done.outputUrl()).isEqualTo("s3://" + BUCKET + "/ffmpeg-outputs/" + done.id().value() + "/hls/master.m3u8");
      assertThat(storage.list(done.id(), "hls/")).extracting(StoredFile::name)
          .contains("hls/master.m3u8", "hls/high/index.m3u8", "hls/low/seg_000.ts");
      assertThat(storage.list(done.id(), "hls/")).filteredOn(f -> f.name().endsWith(".m3u8"))
          .allMatch(f -> "application/vnd.apple.mpegurl".equals(f.object().contentType()));

      String base = server.endpoint() + "/" + BUCKET + "/ffmpeg-outputs/" + done.id().value() + "/hls/";
      CapturedRun decode = run(List.of(ffmpeg.ffmpeg().toString(), "-v", "error", "-i", base + "master.m3u8",
          "-map", "0", "-f", "null", "-"));
      assertThat(decode.stderr()).isEmpty();
      assertThat(duration(base + "master.m3u8")).isCloseTo(inputDuration, within(0.1));
      for (String rendition : List.of("high", "mid", "low")) {
        assertThat(duration(base + rendition + "/index.m3u8")).isCloseTo(inputDuration, within(0.1));
      }
    }
  }

  @Test
  void a_task_past_its_byte_limit_leaves_nothing_under_its_prefix() throws Exception {
    try (S3Storage storage = server.storage(BUCKET).build()) {
      Task done = run(storage, new OutputLimits(100, 20_000), "-i in.mp4 -c:v libx264 -preset ultrafast -g 25 -c:a aac "
          + "-f hls -hls_time 1 -hls_playlist_type vod hls/index.m3u8", "hls/");

      assertThat(done.status()).isEqualTo(TaskStatus.FAILED);
      assertThat(done.error().kind()).isEqualTo(ErrorKind.RESOURCES);
      assertThat(done.errorMessage()).contains("MAX_OUTPUT_BYTES");
      assertThat(storage.list(done.id(), "")).isEmpty();
    }
  }
}
