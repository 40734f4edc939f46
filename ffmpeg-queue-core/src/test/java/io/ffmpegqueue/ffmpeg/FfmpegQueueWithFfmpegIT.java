package io.ffmpegqueue.ffmpeg;

import static io.ffmpegqueue.ffmpeg.TestFfmpeg.ffmpegProcesses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.io.LocalStorage;
import io.ffmpegqueue.memory.InMemoryQueueBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** End to end through {@link FfmpegQueue}: real ffmpeg on media made with lavfi, inputs from a local folder. */
class FfmpegQueueWithFfmpegIT {
  private static final String LONG_ENCODE =
      "-re -f lavfi -i testsrc=s=160x120:r=10 -t 60 -c:v libx264 -preset ultrafast out.mp4";

  @TempDir
  static Path media;
  static ProcessFfmpegRunner sandboxed;
  static ProcessFfmpegRunner plain;

  @TempDir
  Path dir;
  FfmpegQueue queue;

  @BeforeAll
  static void makeMediaAndRunners() {
    TestFfmpeg.video(media, "in.mp4", 3);
    sandboxed = ProcessFfmpegRunner.builder().sandbox(Sandbox.REQUIRED).build();
    plain = ProcessFfmpegRunner.builder().sandbox(Sandbox.NONE).build();
  }

  @AfterEach
  void closeQueue() {
    if (queue != null) {
      queue.close();
    }
  }

  private Path workRoot() {
    return dir.resolve("work");
  }

  private FfmpegQueue.Builder queueBuilder() {
    return FfmpegQueue.builder()
        .fetcher(FileInputFetcher.allowing(media))
        .storage(LocalStorage.at(dir.resolve("outputs")))
        .workspaceRoot(workRoot())
        .minFreeSpace(0)
        .pollWait(Duration.ofMillis(200))
        .workers(1);
  }

  private static TaskRequest.Builder request(String command, String... outputs) {
    return TaskRequest.builder().command(command).input("in.mp4", media.resolve("in.mp4").toUri())
        .outputs(List.of(outputs)).maxAttempts(1);
  }

  private static Task done(io.ffmpegqueue.Submission s) throws Exception {
    return s.completion().get(60, TimeUnit.SECONDS);
  }

  private void assertNoWorkspaceLeft() {
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      try (Stream<Path> left = Files.exists(workRoot()) ? Files.list(workRoot()) : Stream.empty()) {
        assertThat(left).isEmpty();
      }
    });
  }

  @ParameterizedTest(name = "sandbox {0}")
  @EnumSource(value = Sandbox.class, names = {"REQUIRED", "NONE"})
  void a_transcode_completes_with_its_output_stored_and_probed(Sandbox sandbox) throws Exception {
    queue = queueBuilder().runner(sandbox == Sandbox.NONE ? plain : sandboxed).build();
    Task done = done(queue.submit(request(
        "-i in.mp4 -vf scale=160:120 -c:v libx264 -preset ultrafast -c:a aac out.mp4", "out.mp4").build()));

    assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
    TaskOutput out = done.outputs().get(0);
    assertThat(Path.of(out.uri())).isNotEmptyFile();
    assertThat(out.size()).isPositive();
    assertThat(out.media().streams()).extracting(MediaInfo.StreamInfo::type, MediaInfo.StreamInfo::codec,
        MediaInfo.StreamInfo::width, MediaInfo.StreamInfo::height)
        .contains(tuple("video", "h264", 160, 120));
    assertNoWorkspaceLeft();
  }

  @Test
  void the_default_runner_finds_ffmpeg_by_itself() throws Exception {
    queue = queueBuilder().build();
    Task done = done(queue.submit(request("-i in.mp4 -c copy out.mp4", "out.mp4").build()));
    assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(done.outputs().get(0).media().durationSeconds()).isPositive();
  }

  @Test
  void a_command_with_two_outputs_stores_and_probes_both() throws Exception {
    queue = queueBuilder().runner(sandboxed).build();
    Task done = done(queue.submit(request(
        "-i in.mp4 -map 0:v -c:v libx264 -preset ultrafast -s 128x96 small.mp4 -map 0:a -c:a aac sound.m4a",
        "small.mp4", "sound.m4a").build()));
    assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(done.outputs()).extracting(TaskOutput::name).containsExactly("small.mp4", "sound.m4a");
    assertThat(done.outputs().get(0).media().streams()).extracting(MediaInfo.StreamInfo::codec, MediaInfo.StreamInfo::width)
        .containsExactly(tuple("h264", 128));
    assertThat(done.outputs().get(1).media().streams()).extracting(MediaInfo.StreamInfo::type, MediaInfo.StreamInfo::codec)
        .containsExactly(tuple("audio", "aac"));
    // ffmpeg reports one time for the whole run; each output's own duration comes from ffprobe.
    assertThat(done.outputs()).allSatisfy(o -> assertThat(o.media().durationSeconds()).isCloseTo(3.0, within(0.3)));
  }

  @Test
  void progress_events_arrive_in_order_and_reach_one_before_completion() throws Exception {
    List<TaskEvent> events = new CopyOnWriteArrayList<>();
    queue = queueBuilder().runner(sandboxed).listener(events::add).build();
    // -re reads the 3 s input in real time, so ffmpeg reports progress several times.
    Task done = done(queue.submit(request("-re -i in.mp4 -c:v libx264 -preset ultrafast -c:a aac out.mp4", "out.mp4").build()));
    assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
    await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(e -> e.type() == TaskEvent.Type.COMPLETED));

    List<Double> fractions = events.stream().filter(e -> e.type() == TaskEvent.Type.PROGRESS)
        .map(e -> e.progress().fraction()).toList();
    assertThat(fractions).hasSizeGreaterThanOrEqualTo(3).doesNotContainNull().isSorted();
    assertThat(fractions.get(fractions.size() - 1)).isEqualTo(1.0);
    assertThat(fractions.get(0)).isLessThan(1.0);
    int lastProgress = -1;
    int completed = -1;
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).type() == TaskEvent.Type.PROGRESS) {
        lastProgress = i;
      } else if (events.get(i).type() == TaskEvent.Type.COMPLETED) {
        completed = i;
      }
    }
    assertThat(lastProgress).isLessThan(completed);
  }

  @Test
  void a_task_that_runs_past_its_timeout_fails_with_timeout_and_leaves_no_ffmpeg_or_workspace() throws Exception {
    queue = queueBuilder().runner(sandboxed).build();
    List<Set<Long>> seen = new CopyOnWriteArrayList<>();
    queue.subscribe(TaskEvent.Type.PROGRESS, e -> seen.add(ffmpegProcesses()));
    Task done = done(queue.submit(request(LONG_ENCODE, "out.mp4").timeout(Duration.ofSeconds(3)).build()));

    assertThat(done.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(done.error().kind()).isEqualTo(ErrorKind.TIMEOUT);
    assertThat(done.error().message()).contains("timeout of 3 s");
    assertThat(seen).isNotEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> seen.stream().flatMap(Set::stream).noneMatch(TestFfmpeg::alive));
    assertNoWorkspaceLeft();
  }

  @Test
  void cancelling_mid_encode_kills_ffmpeg_marks_the_task_cancelled_and_removes_its_workspace() throws Exception {
    queue = queueBuilder().runner(sandboxed).build();
    var s = queue.submit(request(LONG_ENCODE, "out.mp4").build());
    await().atMost(Duration.ofSeconds(20)).until(() -> queue.find(s.id()).map(Task::progress).orElse(null) != null);
    Set<Long> pids = ffmpegProcesses();
    assertThat(pids).isNotEmpty();

    queue.cancel(s.id());
    Task done = done(s);
    assertThat(done.status()).isEqualTo(TaskStatus.CANCELLED);
    await().atMost(Duration.ofSeconds(5)).until(() -> pids.stream().noneMatch(TestFfmpeg::alive));
    assertNoWorkspaceLeft();
  }

  @Test
  void closing_the_queue_stops_a_running_ffmpeg_and_gives_the_task_back() throws Exception {
    InMemoryQueueBackend backend = InMemoryQueueBackend.create();
    FfmpegQueue q = queueBuilder().backend(backend).runner(sandboxed).drainTimeout(Duration.ZERO).build();
    var s = q.submit(request(LONG_ENCODE, "out.mp4").build());
    await().atMost(Duration.ofSeconds(20)).until(() -> q.find(s.id()).map(Task::progress).orElse(null) != null);
    Set<Long> pids = ffmpegProcesses();
    q.close();
    assertThat(pids).isNotEmpty().noneMatch(TestFfmpeg::alive);
    assertThat(backend.find(s.id()).orElseThrow().status()).isEqualTo(TaskStatus.PENDING);
    assertNoWorkspaceLeft();
    backend.close();
  }

  @Test
  void an_ffmpeg_error_fails_the_task_with_ffmpegs_reason() throws Exception {
    queue = queueBuilder().runner(sandboxed).build();
    Task done = done(queue.submit(request("-i in.mp4 -c:v no_such_encoder out.mp4", "out.mp4").build()));
    assertThat(done.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(done.error().kind()).isEqualTo(ErrorKind.FFMPEG);
    assertThat(done.error().message()).contains("Unknown encoder 'no_such_encoder'");
    assertThat(done.error().stderrTail()).isNotBlank();
    assertNoWorkspaceLeft();
  }

  @Test
  void hostile_commands_are_refused_at_submission_and_nothing_is_enqueued() {
    queue = queueBuilder().runner(sandboxed).build();
    for (String command : List.of("-i /etc/passwd out.mp4", "-i in.mp4 -vf movie=/etc/passwd out.mp4",
        "-i concat:in.mp4|/etc/hosts out.mp4", "-i in.mp4 -f tee out.mp4", "-i in.mp4 -progress http://x/ out.mp4")) {
      assertThatThrownBy(() -> queue.submit(request(command, "out.mp4").build()))
          .isInstanceOf(InvalidTaskException.class)
          .satisfies(e -> assertThat(((InvalidTaskException) e).field()).isEqualTo("command"));
    }
    assertThat(queue.queueSize()).isZero();
  }

  @Test
  void too_little_disk_space_fails_the_attempt_with_a_clear_error() throws Exception {
    queue = queueBuilder().runner(plain).minFreeSpace(Long.MAX_VALUE / 4).build();
    Task done = done(queue.submit(request("-i in.mp4 -c copy out.mp4", "out.mp4").build()));
    assertThat(done.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(done.error().kind()).isEqualTo(ErrorKind.RESOURCES);
    assertThat(done.error().message()).contains("MiB free under").contains("a task needs to start");
  }
}
