package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.ffmpeg.ProcessFfmpegRunner;
import io.ffmpegqueue.ffmpeg.Sandbox;
import io.ffmpegqueue.ffmpeg.TestFfmpeg;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.io.LocalStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A graph end to end with real ffmpeg: transcode, then a thumbnail and a preview read from its output, then a join. */
class TaskGraphIT {
  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0} ffmpeg")
  @EnumSource(TestFfmpeg.Build.class)
  void a_thumbnail_and_a_preview_read_the_transcodes_stored_output_and_the_join_completes_after_them(
      TestFfmpeg.Build build) throws Exception {
    Path media = Files.createDirectories(dir.resolve("media"));
    Path source = TestFfmpeg.video(media, "source.mp4", 3);
    try (FfmpegQueue queue = Fixtures.fastQueue()
        .fetcher(FileInputFetcher.allowing(media))
        .runner(ProcessFfmpegRunner.builder().installation(build.installation()).sandbox(Sandbox.AUTO).build())
        .storage(LocalStorage.at(dir.resolve("outputs")))
        .workspaceRoot(dir.resolve("work"))
        .workers(2)
        .build()) {
      // sample:task-graph
      Submission transcode = queue.submit(TaskRequest.builder()
          .command("-i source.mp4 -vf scale=160:-2 -c:v libx264 -preset ultrafast -an video.mp4")
          .input("source.mp4", source.toUri()).output("video.mp4").build());
      Submission thumbnail = queue.submit(TaskRequest.builder()
          .command("-i video.mp4 -frames:v 1 thumb.png")
          .input("video.mp4", transcode.id(), "video.mp4").output("thumb.png").build());
      Submission preview = queue.submit(TaskRequest.builder()
          .command("-i video.mp4 -t 1 -c copy preview.mp4")
          .input("video.mp4", TaskOutputRef.of(transcode.id(), "video.mp4").uri()).output("preview.mp4").build());
      // A join: no command; it completes (and its webhook fires) once both have completed.
      Submission join = queue.submit(TaskRequest.builder().after(thumbnail.id(), preview.id())
          .webhookUrl("https://hooks.example.com/video-ready").build());
      // end-sample

      assertThat(thumbnail.task().dependsOn()).containsExactly(transcode.id());
      assertThat(join.task().waitingFor()).containsExactly(thumbnail.id(), preview.id());
      Task joined = join.completion().get(60, TimeUnit.SECONDS);
      assertThat(joined.status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(joined.outputs()).isEmpty();
      Task thumb = queue.find(thumbnail.id()).orElseThrow();
      Task prev = queue.find(preview.id()).orElseThrow();
      assertThat(thumb.status()).as(String.valueOf(thumb.error())).isEqualTo(TaskStatus.COMPLETED);
      assertThat(prev.status()).as(String.valueOf(prev.error())).isEqualTo(TaskStatus.COMPLETED);
      assertThat(thumb.outputs().get(0).size()).isPositive();
      assertThat(prev.outputs().get(0).media().durationSeconds()).isLessThan(2.0);
      assertThat(queue.webhook(join.id())).as("the join's webhook delivery is stored").isPresent();
      assertThat(joined.startedAt()).isAfterOrEqualTo(thumb.finishedAt()).isAfterOrEqualTo(prev.finishedAt());
    }
  }
}
