package io.ffmpegqueue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Split;
import io.ffmpegqueue.Submission;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.FfmpegInstallation;
import io.ffmpegqueue.ffmpeg.ProcessFfmpegRunner;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.io.LocalStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A split task on Redis with the real (located) ffmpeg: the task awaits its parts ({@code Outcome.Await}, one
 * script), two workers run them, the task runs again and stitches, and the output has exactly the input's frames.
 */
class RedisSplitIT {
  @RegisterExtension
  static final TestRedis.PerClass REDIS = new TestRedis.PerClass();

  @TempDir
  Path dir;

  @Test
  void a_split_task_runs_as_parts_on_redis_and_ends_frame_exact() throws Exception {
    FfmpegInstallation ffmpeg = ProcessFfmpegRunner.builder().build().installation();
    Path media = Files.createDirectories(dir.resolve("media"));
    run(media, ffmpeg.ffmpeg().toString(), "-v", "error", "-f", "lavfi", "-i", "testsrc2=d=6:s=320x240:r=25", "-f",
        "lavfi", "-i", "sine=f=440:d=6:r=48000", "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-pix_fmt",
        "yuv420p", "-c:a", "aac", "-shortest", "in.mp4");
    try (RedisQueueBackend backend = REDIS.server().backend().build();
         FfmpegQueue queue = FfmpegQueue.builder().backend(backend).fetcher(FileInputFetcher.allowing(media))
             .storage(LocalStorage.at(dir.resolve("outputs"))).workspaceRoot(dir.resolve("work"))
             .pollWait(Duration.ofMillis(200)).workers(2).build()) {
      Submission s = queue.submit(TaskRequest.builder()
          .command("-i in.mp4 -c:v libx264 -preset ultrafast -crf 20 -c:a aac -b:a 96k out.mp4")
          .input("in.mp4", media.resolve("in.mp4").toUri()).output("out.mp4")
          .maxAttempts(3).split(new Split(2)).build());
      TaskId id = s.id();
      Task done = s.completion().get(180, TimeUnit.SECONDS);
      assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(TaskStatus.COMPLETED);
      assertThat(done.attempt()).as("the run that split it was not counted").isEqualTo(1);
      List<Task> parts = new ArrayList<>();
      for (TaskId p : done.dependsOn()) {
        parts.add(backend.find(p).orElseThrow());
      }
      assertThat(parts).hasSize(4).allMatch(p -> p.status() == TaskStatus.COMPLETED)
          .allMatch(p -> id.value().equals(p.request().metadata().get("split_of")));
      assertThat(TaskJson.toJson(done, backend::find).get("split").toString())
          .isEqualTo("{\"segment_seconds\":2.0,\"parts\":3,\"parts_completed\":3}");

      Path out = Path.of(done.outputs().get(0).uri());
      String ffprobe = ffmpeg.ffprobe().toString();
      assertThat(run(media, ffprobe, "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
          "stream=nb_read_frames", "-of", "csv=p=0", out.toString()).strip()).isEqualTo("150");
      assertThat(duration(media, ffprobe, out.toString(), "v:0"))
          .isCloseTo(duration(media, ffprobe, "in.mp4", "v:0"), within(1 / 25.0));
      assertThat(duration(media, ffprobe, out.toString(), "a:0"))
          .isCloseTo(duration(media, ffprobe, "in.mp4", "a:0"), within(0.025));
    }
  }

  private static double duration(Path cwd, String ffprobe, String file, String stream) throws Exception {
    return Double.parseDouble(run(cwd, ffprobe, "-v", "error", "-select_streams", stream, "-show_entries",
        "stream=duration", "-of", "csv=p=0", file).strip());
  }

  private static String run(Path cwd, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
