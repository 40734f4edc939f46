package io.ffmpegqueue.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.io.LocalStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An encrypted HLS encode with real ffmpeg: the key info file and the 16-byte key are declared inputs; ffmpeg
 * (a reader given the key) decodes the stored playlist to the end; a key info file that names a file the task
 * did not declare fails the task before ffmpeg starts, naming the option.
 */
class HlsKeyInfoIT {
  private static final String IV = "000102030405060708090a0b0c0d0e0f";

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0} ffmpeg")
  @EnumSource(TestFfmpeg.Build.class)
  void an_hls_encode_encrypted_with_a_declared_key_plays_back_with_that_key(TestFfmpeg.Build build) throws Exception {
    FfmpegInstallation ffmpeg = build.installation();
    Path media = Files.createDirectories(dir.resolve("media"));
    Path source = TestFfmpeg.video(media, "in.mp4", 3);
    Path key = Files.write(media.resolve("enc.key"), HexFormat.of().parseHex("00112233445566778899aabbccddeeff"));
    // Line 1 is the key URI written into the playlist: here where the test's reader finds the key.
    Path info = Files.writeString(media.resolve("key.info"), key.toAbsolutePath() + "\nenc.key\n" + IV + "\n");
    try (FfmpegQueue queue = FfmpegQueue.builder()
        .fetcher(FileInputFetcher.allowing(media))
        .storage(LocalStorage.at(dir.resolve("outputs")))
        .runner(ProcessFfmpegRunner.builder().installation(ffmpeg).sandbox(Sandbox.AUTO).build())
        .workspaceRoot(dir.resolve("work"))
        .minFreeSpace(0)
        .pollWait(Duration.ofMillis(200))
        .workers(1)
        .build()) {
      TaskRequest request = TaskRequest.builder()
          .command("-i in.mp4 -c:v libx264 -preset ultrafast -g 25 -c:a aac -f hls -hls_time 1 -hls_playlist_type vod "
              + "-hls_key_info_file key.info -hls_segment_filename hls/seg_%03d.ts hls/index.m3u8")
          .input("in.mp4", source.toUri()).input("key.info", info.toUri()).input("enc.key", key.toUri())
          .output("hls/index.m3u8").output("hls/").maxAttempts(1).build();
      Task done = queue.submit(request).completion().get(120, TimeUnit.SECONDS);
      assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(TaskStatus.COMPLETED);

      Path playlist = stored(done, "hls/index.m3u8");
      assertThat(Files.readString(playlist))
          .contains("#EXT-X-KEY:METHOD=AES-128,URI=\"" + key.toAbsolutePath() + "\",IV=0x" + IV);
      byte[] segment = Files.readAllBytes(stored(done, "hls/seg_000.ts"));
      assertThat(segment[0] == 0x47 && segment[188] == 0x47).as("the segment is not plain MPEG-TS").isFalse();
      CapturedRun decode = CapturedRun.run(List.of(ffmpeg.ffmpeg().toString(), "-v", "error", "-protocol_whitelist",
          "file,crypto,data", "-allowed_extensions", "ALL", "-i", playlist.toString(), "-map", "0", "-f", "null", "-"), dir, null, Duration.ofSeconds(60));
      assertThat(decode.succeeded()).as(decode.stderr()).isTrue();
      assertThat(decode.stderr()).isEmpty();
      CapturedRun probe = CapturedRun.run(List.of(TestFfmpeg.installation().ffprobe().toString(), "-v", "error",
          "-protocol_whitelist", "file,crypto,data", "-allowed_extensions", "ALL", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1",
          playlist.toString()), dir, null, Duration.ofSeconds(60));
      assertThat(probe.succeeded()).as(probe.stderr()).isTrue();
      assertThat(Double.parseDouble(probe.stdout().trim())).isCloseTo(3.0, within(0.1));

      // A key info file whose key line names a file outside the task: refused before ffmpeg starts.
      Path hostile = Files.writeString(media.resolve("hostile.info"), "k.key\n" + key.toAbsolutePath() + "\n");
      Task refused = queue.submit(TaskRequest.builder()
          .command(request.command().replace("key.info", "hostile.info"))
          .input("in.mp4", source.toUri()).input("hostile.info", hostile.toUri())
          .output("hls/index.m3u8").output("hls/").maxAttempts(1).build()).completion().get(120, TimeUnit.SECONDS);
      assertThat(refused.status()).isEqualTo(TaskStatus.FAILED);
      assertThat(refused.error().kind()).isEqualTo(ErrorKind.INPUT);
      assertThat(refused.error().message()).contains("'-hls_key_info_file hostile.info'", "is an absolute path");
      assertThat(refused.error().stderrTail()).as("ffmpeg did not run").isNull();
    }
  }

  private static Path stored(Task task, String name) {
    TaskOutput o = task.outputs().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    return Path.of(o.uri());
  }
}
