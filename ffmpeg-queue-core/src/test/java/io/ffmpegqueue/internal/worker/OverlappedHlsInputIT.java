package io.ffmpegqueue.internal.worker;

import static io.ffmpegqueue.ffmpeg.TestFfmpeg.ffmpegProcesses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Submission;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskOutputRef;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.CapturedRun;
import io.ffmpegqueue.ffmpeg.FfmpegRunner;
import io.ffmpegqueue.ffmpeg.ProcessFfmpegRunner;
import io.ffmpegqueue.ffmpeg.Sandbox;
import io.ffmpegqueue.ffmpeg.TestFfmpeg;
import io.ffmpegqueue.ffmpeg.TestFfmpeg.Build;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.io.LocalStorage;
import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.io.StoredFile;
import io.ffmpegqueue.io.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A graph A -> B with real ffmpeg (sandboxed, both builds): A writes an HLS folder, B reads
 * {@code task://A/hls/} while its segments still arrive. The storage holds back one segment until the test has
 * seen B's ffmpeg run; B's packets are those ffmpeg reads from the whole stored folder.
 */
class OverlappedHlsInputIT {
  private static final String SINGLE = "-i source.ts -c copy -f hls -hls_time 1 -hls_playlist_type vod "
      + "-hls_segment_filename hls/seg_%03d.ts hls/index.m3u8";
  private static final String TWO_VARIANTS = "-i source.ts -map 0:v -map 0:a -map 0:v -map 0:a -c copy -f hls "
      + "-hls_time 1 -hls_playlist_type vod -master_pl_name master.m3u8 -var_stream_map 'v:0,a:0 v:1,a:1' "
      + "-hls_segment_filename hls/v%v/seg_%03d.ts hls/v%v/index.m3u8";
  private static final String REMUX = "-i hls/%s -map 0 -c copy -f framemd5 out.md5";

  @TempDir
  static Path media;

  @TempDir
  Path dir;

  private GatedStorage storage;
  private FfmpegQueue queue;
  /** For each ffmpeg start of task B: whether the held-back segment's place was a pipe. */
  private final List<Boolean> starts = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void makeMedia() {
    // 8 s with a key frame every second: eight 1 s segments per playlist.
    TestFfmpeg.ffmpeg(media, "-f", "lavfi", "-i", "testsrc=d=8:s=320x240:r=25", "-f", "lavfi", "-i", "sine=d=8",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
        "source.ts");
  }

  @AfterEach
  void close() {
    if (storage != null) {
      storage.release();
    }
    if (queue != null) {
      queue.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Build.class)
  void ffmpeg_starts_before_the_last_segment_arrives_and_reads_what_the_whole_folder_holds(Build build)
      throws Exception {
    Submission parent = start(build, SINGLE, "hls/seg_007.ts");
    Submission task = remux(parent, "index.m3u8");
    awaitFfmpegWhileHolding();
    storage.release();

    Task done = task.completion().get(60, TimeUnit.SECONDS);
    assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(TaskStatus.COMPLETED);
    assertThat(starts).as("ffmpeg started once, on a pipe where the last segment goes").containsExactly(true);
    assertSamePacketsAsTheWholeFolder(build, parent.id(), "index.m3u8", done);
    assertThat(workspaces()).isEmptyDirectory();
  }

  @ParameterizedTest
  @EnumSource(Build.class)
  void a_master_playlist_with_two_variants_arrives_side_by_side(Build build) throws Exception {
    Submission parent = start(build, TWO_VARIANTS, "hls/v1/seg_007.ts");
    Submission task = remux(parent, "master.m3u8");
    awaitFfmpegWhileHolding();
    storage.release();

    Task done = task.completion().get(60, TimeUnit.SECONDS);
    assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(TaskStatus.COMPLETED);
    assertThat(starts).containsExactly(true);
    assertSamePacketsAsTheWholeFolder(build, parent.id(), "master.m3u8", done);
    assertThat(workspaces()).isEmptyDirectory();
  }

  @ParameterizedTest
  @EnumSource(Build.class)
  void a_segment_that_cannot_be_fetched_stops_ffmpeg_and_fails_the_task_with_the_fetch_error(Build build)
      throws Exception {
    Submission parent = start(build, SINGLE, "hls/seg_005.ts");
    storage.failHeld = true;
    Submission task = remux(parent, "index.m3u8");
    awaitFfmpegWhileHolding();
    storage.release();

    Task failed = task.completion().get(60, TimeUnit.SECONDS);
    assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(failed.error().kind()).isEqualTo(ErrorKind.INPUT);
    assertThat(failed.error().message())
        .isEqualTo("input 'hls/': cannot copy 'seg_005.ts' of the folder from the storage: the disk went away");
    await().until(() -> ffmpegProcesses().isEmpty());
    assertThat(workspaces()).isEmptyDirectory();
  }

  @ParameterizedTest
  @EnumSource(Build.class)
  void cancelling_while_segments_arrive_stops_ffmpeg_and_the_fetch_and_leaves_nothing(Build build) throws Exception {
    Submission parent = start(build, SINGLE, "hls/seg_006.ts");
    Submission task = queue.submit(TaskRequest.builder()
        .command("-i hls/index.m3u8 -c:v libx264 -preset ultrafast -c:a aac out.mp4")
        .input("hls/", TaskOutputRef.of(parent.id(), "hls/").uri()).output("out.mp4").maxAttempts(1).build());
    awaitFfmpegWhileHolding();

    queue.cancel(task.task().id());
    Task cancelled = task.completion().get(60, TimeUnit.SECONDS);
    assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
    await().until(() -> ffmpegProcesses().isEmpty());
    await().until(() -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("ffq-input-")));
    assertThat(workspaces()).isEmptyDirectory();
    assertThat(storage.opened).as("the fetch stopped at the held segment").doesNotContain("hls/seg_007.ts");
  }

  /** Runs task A (writing the HLS folder), and holds back {@code held} when a later task reads it. */
  private Submission start(Build build, String command, String held) throws Exception {
    storage = new GatedStorage(LocalStorage.at(dir.resolve("outputs")), held);
    ProcessFfmpegRunner real = ProcessFfmpegRunner.builder().installation(build.installation())
        .sandbox(Sandbox.REQUIRED).build();
    FfmpegRunner recording = job -> {
      if (job.inputs().contains("hls/")) {
        starts.add(isPipe(job.workspace().resolve(held)));
      }
      return real.run(job);
    };
    queue = FfmpegQueue.builder().fetcher(FileInputFetcher.allowing(media)).runner(recording).storage(storage)
        .workspaceRoot(workspaces()).minFreeSpace(0).pollWait(Duration.ofMillis(100)).build();
    Submission parent = queue.submit(TaskRequest.builder().command(command)
        .input("source.ts", media.resolve("source.ts").toUri()).output("hls/").maxAttempts(1).build());
    Task a = parent.completion().get(60, TimeUnit.SECONDS);
    assertThat(a.status()).as(String.valueOf(a.error())).isEqualTo(TaskStatus.COMPLETED);
    return parent;
  }

  private Submission remux(Submission parent, String playlist) {
    return queue.submit(TaskRequest.builder().command(String.format(REMUX, playlist))
        .input("hls/", TaskOutputRef.of(parent.id(), "hls/").uri()).output("out.md5").maxAttempts(1).build());
  }

  /** Waits until ffmpeg runs while the storage holds back a segment. */
  private void awaitFfmpegWhileHolding() {
    await().until(() -> storage.holding && !starts.isEmpty() && !ffmpegProcesses().isEmpty());
  }

  /** The task's framemd5 is the one the same ffmpeg writes from the stored folder, whole. */
  private void assertSamePacketsAsTheWholeFolder(Build build, TaskId parent, String playlist, Task done)
      throws IOException {
    Path stored = dir.resolve("outputs").resolve(parent.value()).resolve("hls").resolve(playlist);
    assertThat(stored).isRegularFile();
    Path whole = dir.resolve("whole.md5");
    CapturedRun run = CapturedRun.run(List.of(build.installation().ffmpeg().toString(), "-v", "error", "-i",
        stored.toString(), "-map", "0", "-c", "copy", "-f", "framemd5", "-y", whole.toString()), null, null,
        Duration.ofSeconds(60));
    assertThat(run.succeeded()).as(run.stderr()).isTrue();
    List<String> expected = Files.readAllLines(whole);
    List<String> actual = Files.readAllLines(Path.of(done.outputs().get(0).uri()));
    assertThat(expected.stream().filter(l -> !l.startsWith("#")).count()).as("packets").isGreaterThan(400);
    assertThat(actual).isEqualTo(expected);
  }

  private Path workspaces() {
    return dir.resolve("work");
  }

  private static boolean isPipe(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
    } catch (IOException e) {
      return false;
    }
  }

  /** A storage that holds back (or fails) the opening of one stored file until the test releases it. */
  private static final class GatedStorage implements Storage {
    private final Storage delegate;
    private final String held;
    private final CountDownLatch gate = new CountDownLatch(1);
    final List<String> opened = new CopyOnWriteArrayList<>();
    volatile boolean holding;
    volatile boolean failHeld;

    GatedStorage(Storage delegate, String held) {
      this.delegate = delegate;
      this.held = held;
    }

    void release() {
      gate.countDown();
    }

    @Override
    public StoredObject store(TaskId taskId, String name, Path file) {
      return delegate.store(taskId, name, file);
    }

    @Override
    public InputStream open(URI uri) throws IOException {
      if (uri.getPath().endsWith("/" + held)) {
        holding = true;
        try {
          gate.await();
        } catch (InterruptedException e) {
          throw new InterruptedIOException("stopped while held");
        } finally {
          holding = false;
        }
        if (failHeld) {
          throw new IOException("the disk went away");
        }
      }
      opened.add(uri.getPath().replaceFirst(".*/(hls/.*)$", "$1"));
      return delegate.open(uri);
    }

    @Override
    public void delete(TaskId taskId) throws IOException {
      delegate.delete(taskId);
    }

    @Override
    public void delete(TaskId taskId, String name) throws IOException {
      delegate.delete(taskId, name);
    }

    @Override
    public List<StoredFile> list(TaskId taskId, String prefix) throws IOException {
      return delegate.list(taskId, prefix);
    }
  }
}
