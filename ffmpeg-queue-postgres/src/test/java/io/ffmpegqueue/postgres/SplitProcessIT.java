package io.ffmpegqueue.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Split;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.FfmpegInstallation;
import io.ffmpegqueue.ffmpeg.ProcessFfmpegRunner;
import io.ffmpegqueue.io.FileInputFetcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A split task on PostgreSQL whose parts run on two worker JVMs with the real (located) ffmpeg; the worker
 * running a part is killed with SIGKILL in the middle of it, the part is retried on the other, and the stitched
 * output still has exactly the input's frames.
 */
class SplitProcessIT {
  @RegisterExtension
  static final TestDatabase.PerClass DB = new TestDatabase.PerClass(10);

  @TempDir
  Path dir;

  @Test
  void a_worker_killed_in_the_middle_of_a_part_leaves_the_split_result_frame_exact() throws Exception {
    String schema = TestDatabase.newSchema();
    PostgresQueueBackend.builder(DB.pool()).schema(schema).notifications(false).build().close();
    DB.db().execute("CREATE TABLE " + schema + ".executions (task_id text NOT NULL, attempt int NOT NULL, worker text NOT NULL)");
    FfmpegInstallation ffmpeg = ProcessFfmpegRunner.builder().build().installation();
    Path media = Files.createDirectories(dir.resolve("media"));
    // 6 s in 2 s parts; 720p at a slow preset, so a part runs long enough to be killed in the middle.
    run(media, ffmpeg.ffmpeg().toString(), "-v", "error", "-f", "lavfi", "-i", "testsrc2=d=6:s=1280x720:r=25", "-f",
        "lavfi", "-i", "sine=f=440:d=6:r=48000", "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-pix_fmt",
        "yuv420p", "-c:a", "aac", "-shortest", "in.mp4");
    try (WorkerProcesses workers = new WorkerProcesses(DB.db().jdbcUrl(), schema, "ffmpeg", 1, 2_000, 400, 500, dir);
         PostgresQueueBackend backend = PostgresQueueBackend.builder(DB.pool()).schema(schema).build();
         FfmpegQueue api = FfmpegQueue.builder().backend(backend).fetcher(FileInputFetcher.allowing(media)).workers(0)
             .build()) {
      workers.start("worker-a");
      workers.start("worker-b");
      TaskId id = api.submit(TaskRequest.builder()
          .command("-i in.mp4 -c:v libx264 -preset slow -crf 20 -c:a aac out.mp4")
          .input("in.mp4", media.resolve("in.mp4").toUri()).output("out.mp4")
          .maxAttempts(3).split(new Split(2)).build()).id();

      Process[] victim = new Process[1];
      await("a part's ffmpeg to run").atMost(Duration.ofSeconds(120)).until(() -> {
        for (String w : List.of("worker-a", "worker-b")) {
          Process p = workers.process(w);
          if (p.descendants().anyMatch(h -> commandLine(h.pid()).contains("part-0000"))) {
            victim[0] = p;
            workers.kill9(w);
            return true;
          }
        }
        return false;
      });
      assertThat(victim[0].isAlive()).isFalse();

      Task done = await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
          .until(() -> api.find(id).orElseThrow(), t -> t.status().isFinal());
      assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(TaskStatus.COMPLETED);
      List<Task> parts = new ArrayList<>();
      for (Task t : api.list(TaskQuery.of(TaskStatus.COMPLETED, 100))) {
        if (id.value().equals(t.request().metadata().get("split_of"))) {
          parts.add(t);
        }
      }
      assertThat(parts).hasSize(4);
      assertThat(parts).as("the killed worker's part ran again").anyMatch(p -> p.attempt() == 2);

      Path out = Path.of(done.outputs().get(0).uri());
      String ffprobe = ffmpeg.ffprobe().toString();
      assertThat(run(media, ffprobe, "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
          "stream=nb_read_frames", "-of", "csv=p=0", out.toString()).strip()).isEqualTo("150");
      double in = Double.parseDouble(run(media, ffprobe, "-v", "error", "-show_entries", "format=duration", "-of",
          "csv=p=0", "in.mp4").strip());
      double result = Double.parseDouble(run(media, ffprobe, "-v", "error", "-show_entries", "format=duration",
          "-of", "csv=p=0", out.toString()).strip());
      assertThat(result).isCloseTo(in, within(1 / 25.0));
      Map<TaskStatus, Long> counts = api.counts();
      assertThat(counts.get(TaskStatus.RUNNING)).as("none stuck RUNNING").isZero();
      assertThat(Optional.ofNullable(counts.get(TaskStatus.PENDING)).orElse(0L)).isZero();
    }
  }

  private static String run(Path cwd, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")), StandardCharsets.UTF_8)
          .replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }
}
