package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ffmpegqueue.ffmpeg.CapturedRun;
import io.ffmpegqueue.ffmpeg.ProcessFfmpegRunner;
import io.ffmpegqueue.ffmpeg.Sandbox;
import io.ffmpegqueue.ffmpeg.TestFfmpeg;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.io.LocalStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A folder output used whole as the next task's input, with real ffmpeg: task A writes an HLS folder, task B
 * waits for it, takes {@code task://A/hls/} as its folder input {@code hls/} and remuxes the playlist; a stored
 * playlist that names a file outside the folder is refused before ffmpeg starts.
 */
class FolderInputIT {
  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0} ffmpeg")
  @EnumSource(TestFfmpeg.Build.class)
  void a_task_remuxes_the_hls_folder_another_task_stored(TestFfmpeg.Build build) throws Exception {
    Path media = Files.createDirectories(dir.resolve("media"));
    Path source = TestFfmpeg.video(media, "source.mp4", 3);
    double sourceDuration = duration(source);
    try (FfmpegQueue queue = Fixtures.fastQueue()
        .fetcher(FileInputFetcher.allowing(media))
        .runner(ProcessFfmpegRunner.builder().installation(build.installation()).sandbox(Sandbox.AUTO).build())
        .storage(LocalStorage.at(dir.resolve("outputs")))
        .workspaceRoot(dir.resolve("work"))
        .minFreeSpace(0)
        .workers(2)
        .build()) {
      // sample:folder-input
      Submission hls = queue.submit(TaskRequest.builder()
          .command("-i source.mp4 -c:v libx264 -preset ultrafast -g 25 -c:a aac -f hls -hls_time 1 "
              + "-hls_playlist_type vod -hls_segment_filename hls/seg_%03d.ts hls/index.m3u8")
          .input("source.mp4", source.toUri()).output("hls/index.m3u8").output("hls/").maxAttempts(1).build());
      Submission remux = queue.submit(TaskRequest.builder()
          .command("-i hls/index.m3u8 -c copy out.mp4")
          .input("hls/", TaskOutputRef.of(hls.id(), "hls/").uri())
          .output("out.mp4").maxAttempts(1).build());
      // end-sample

      assertThat(remux.task().dependsOn()).containsExactly(hls.id());
      Task done = remux.completion().get(120, TimeUnit.SECONDS);
      Task parent = queue.find(hls.id()).orElseThrow();
      assertThat(parent.status()).as(String.valueOf(parent.error())).isEqualTo(TaskStatus.COMPLETED);
      assertThat(parent.outputs()).hasSizeGreaterThan(3); // the playlist and at least three 1 s segments
      assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(TaskStatus.COMPLETED);
      Path out = Path.of(done.outputs().get(0).uri());
      assertThat(duration(out)).isCloseTo(sourceDuration, within(0.1));
    }
    try (Stream<Path> work = Files.list(dir.resolve("work"))) {
      assertThat(work).as("no workspace is left behind").isEmpty();
    }
  }

  /** ffprobe's duration of a local file. */
  static double duration(Path file) {
    CapturedRun probe = CapturedRun.run(List.of(TestFfmpeg.installation().ffprobe().toString(), "-v", "error",
        "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", file.toString()), null, null,
        Duration.ofSeconds(60));
    assertThat(probe.succeeded()).as("ffprobe %s: %s", file, probe.stderr()).isTrue();
    return Double.parseDouble(probe.stdout().trim());
  }
}
