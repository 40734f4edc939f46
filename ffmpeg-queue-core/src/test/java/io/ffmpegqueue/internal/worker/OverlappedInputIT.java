package io.ffmpegqueue.internal.worker;

import static io.ffmpegqueue.ffmpeg.TestFfmpeg.ffmpegProcesses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Submission;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.FfmpegRunner;
import io.ffmpegqueue.ffmpeg.ProcessFfmpegRunner;
import io.ffmpegqueue.ffmpeg.Sandbox;
import io.ffmpegqueue.ffmpeg.TestFfmpeg;
import io.ffmpegqueue.ffmpeg.TestFfmpeg.Build;
import io.ffmpegqueue.io.HttpInputFetcher;
import io.ffmpegqueue.io.LocalStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ffmpeg (sandboxed, both builds) starting on an input that a throttled loopback server is still sending:
 * the server stops at {@link #HOLD} bytes until the test has seen ffmpeg run on the named pipe.
 */
class OverlappedInputIT {
  // Past the 64 KiB head the layout check reads, and past two 64 KiB writes of the download.
  private static final long HOLD = 160 * 1024;
  private static final long RATE = 8L << 20;

  @TempDir
  static Path media;

  @TempDir
  Path dir;

  private GatedServer server;
  private HttpInputFetcher http;
  private FfmpegQueue queue;
  /** For each ffmpeg start: whether its input was the named pipe, and whether it was the whole file. */
  private final List<boolean[]> starts = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void makeMedia() {
    TestFfmpeg.ffmpeg(media, "-f", "lavfi", "-i", "testsrc=d=4:s=640x360:r=25", "-f", "lavfi", "-i", "sine=d=4",
        "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "3M", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
        "-movflags", "+faststart", "front.mp4");
    TestFfmpeg.ffmpeg(media, "-i", "front.mp4", "-c", "copy", "end.mp4"); // the index at the end: mp4's default
    TestFfmpeg.ffmpeg(media, "-i", "front.mp4", "-c", "copy", "in.ts");
    TestFfmpeg.ffmpeg(media, "-i", "front.mp4", "-c", "copy", "in.mkv");
    TestFfmpeg.ffmpeg(media, "-f", "lavfi", "-i", "sine=d=4:sample_rate=48000", "-c:a", "pcm_s16le", "in.wav");
  }

  @AfterEach
  void close() {
    if (queue != null) {
      queue.close();
    }
    if (http != null) {
      http.close();
    }
    if (server != null) {
      server.close();
    }
  }

  static Stream<Arguments> containers() {
    return Stream.of(Build.values()).flatMap(b -> Stream.of(
        Arguments.of(b, "front.mp4", "out.mkv"), Arguments.of(b, "in.ts", "out.mkv"),
        Arguments.of(b, "in.mkv", "out.mkv"), Arguments.of(b, "in.wav", "out.mka")));
  }

  @ParameterizedTest
  @MethodSource("containers")
  void ffmpeg_starts_on_the_head_of_an_input_the_server_is_still_sending(Build build, String file, String output)
      throws Exception {
    Submission task = submit(build, file, "-i " + file + " -c copy " + output, output);
    awaitFfmpegOnThePipe();
    server.release();

    Task done = task.completion().get(60, TimeUnit.SECONDS);
    assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(TaskStatus.COMPLETED);
    assertThat(starts).hasSize(1);
    // The server held the rest of the input until ffmpeg ran: the download was unfinished when it started.
    assertThat(starts.get(0)).as("ffmpeg read a pipe").containsExactly(true, false);
    assertThat(done.outputs().get(0).media().durationSeconds()).as("the whole input reached ffmpeg")
        .isCloseTo(4.0, within(0.3));
    assertThat(workspaces()).isEmptyDirectory();
  }

  @ParameterizedTest
  @EnumSource(Build.class)
  void an_mp4_indexed_at_its_end_downloads_whole_before_ffmpeg_starts(Build build) throws Exception {
    Submission task = submit(build, "end.mp4", "-i end.mp4 -c copy out.mkv", "out.mkv");
    await().until(server::holding);
    server.release();

    Task done = task.completion().get(60, TimeUnit.SECONDS);
    assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(TaskStatus.COMPLETED);
    assertThat(starts).hasSize(1);
    assertThat(starts.get(0)).as("ffmpeg read a whole file").containsExactly(false, true);
    assertThat(done.outputs().get(0).media().durationSeconds()).isCloseTo(4.0, within(0.3));
  }

  @ParameterizedTest
  @EnumSource(Build.class)
  void a_connection_dropped_mid_file_stops_ffmpeg_and_fails_the_task_with_the_download_error(Build build)
      throws Exception {
    Submission task = submit(build, "in.ts", "-i in.ts -c copy out.mkv", "out.mkv");
    server.dropAt(HOLD + 128 * 1024);
    awaitFfmpegOnThePipe();
    server.release();

    Task failed = task.completion().get(60, TimeUnit.SECONDS);
    assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(failed.error().kind()).isEqualTo(ErrorKind.INPUT);
    assertThat(failed.error().message()).startsWith("input 'in.ts': the download from " + server.url("in.ts") + " broke");
    await().until(() -> ffmpegProcesses().isEmpty());
    assertThat(workspaces()).isEmptyDirectory();
  }

  @ParameterizedTest
  @EnumSource(Build.class)
  void cancelling_during_the_overlapped_download_and_encode_stops_both_and_leaves_nothing(Build build)
      throws Exception {
    Submission task = submit(build, "front.mp4", "-i front.mp4 -c:v libx264 -preset ultrafast -c:a aac out.mp4", "out.mp4");
    awaitFfmpegOnThePipe();

    queue.cancel(task.task().id());
    Task cancelled = task.completion().get(60, TimeUnit.SECONDS);
    assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
    await().until(() -> ffmpegProcesses().isEmpty());
    await().until(() -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("ffq-input-")));
    assertThat(workspaces()).isEmptyDirectory();
    assertThat(server.sentAll()).as("the download stopped too").isFalse();
  }

  private Submission submit(Build build, String file, String command, String output) throws IOException {
    byte[] body = Files.readAllBytes(media.resolve(file));
    server = new GatedServer(body, RATE).holdAt(HOLD);
    http = HttpInputFetcher.builder().allow("127.0.0.1").maxAttempts(1).build();
    ProcessFfmpegRunner real = ProcessFfmpegRunner.builder().installation(build.installation())
        .sandbox(Sandbox.REQUIRED).build();
    FfmpegRunner recording = job -> {
      Path input = job.workspace().resolve(file);
      starts.add(new boolean[] {isPipe(input), isWhole(input, body.length)});
      return real.run(job);
    };
    queue = FfmpegQueue.builder().fetcher(http).runner(recording).storage(LocalStorage.at(dir.resolve("outputs")))
        .workspaceRoot(workspaces()).minFreeSpace(0).pollWait(Duration.ofMillis(100)).build();
    return queue.submit(TaskRequest.builder().command(command).input(file, server.url(file)).output(output)
        .maxAttempts(1).build());
  }

  /** Waits until ffmpeg runs on the pipe while the server holds back the rest of the input. */
  private void awaitFfmpegOnThePipe() {
    await().until(() -> server.holding() && !starts.isEmpty() && !ffmpegProcesses().isEmpty());
  }

  private Path workspaces() {
    return dir.resolve("work");
  }

  private static boolean isWhole(Path p, long size) {
    try {
      return Files.isRegularFile(p) && Files.size(p) == size;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean isPipe(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
    } catch (IOException e) {
      return false;
    }
  }
}
