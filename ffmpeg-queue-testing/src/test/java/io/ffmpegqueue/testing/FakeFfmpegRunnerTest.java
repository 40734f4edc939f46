package io.ffmpegqueue.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import io.ffmpegqueue.ffmpeg.FfmpegJob;
import io.ffmpegqueue.ffmpeg.FfmpegResult;
import io.ffmpegqueue.ffmpeg.MediaInfo;
import io.ffmpegqueue.ffmpeg.Progress;
import io.ffmpegqueue.spi.StopReason;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FakeFfmpegRunnerTest {
  @TempDir
  Path workspace;

  private final FakeFfmpegRunner runner = new FakeFfmpegRunner();

  /** A task with one input and two outputs. */
  static final TaskRequest REQUEST = TaskRequest.builder().command("-i input.mp4 -vf scale=640:-2 output.mp4 thumb.jpg")
      .input("input.mp4", URI.create("test://in/input.mp4")).output("output.mp4").output("thumb.jpg").build();

  private static FakeTaskContext context() {
    return new FakeTaskContext(REQUEST);
  }

  private FfmpegJob job(FakeTaskContext ctx) {
    return ctx.job(workspace);
  }

  /** Runs a job of {@code ctx} on another thread; the future holds how the run ended (null: it succeeded). */
  private CompletableFuture<Throwable> runInBackground(FakeTaskContext ctx) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        runner.run(job(ctx));
        return null;
      } catch (Throwable e) {
        return e;
      }
    });
  }

  @Test
  void with_nothing_enqueued_a_run_succeeds_and_writes_every_declared_output() throws Exception {
    FakeTaskContext ctx = context();
    FfmpegResult r = runner.run(job(ctx));
    assertThat(r.media()).isEmpty();
    assertThat(Files.readAllBytes(workspace.resolve("output.mp4"))).isEqualTo(FakeOutcome.defaultContent("output.mp4"));
    assertThat(Files.readAllBytes(workspace.resolve("thumb.jpg"))).isEqualTo(FakeOutcome.defaultContent("thumb.jpg"));
    assertThat(runner.runCount()).isEqualTo(1);
  }

  @Test
  void enqueued_outcomes_play_in_order_then_the_default_takes_over() throws Exception {
    byte[] video = "video".getBytes(StandardCharsets.UTF_8);
    MediaInfo info = new MediaInfo("mov,mp4", 2.0, List.of(new MediaInfo.StreamInfo(0, "video", "h264", 640, 360)));
    runner.enqueue(FakeOutcome.succeed(video).withOutput("thumb.jpg", new byte[] {1, 2}).withMedia("output.mp4", info))
        .enqueue(FakeOutcome.fail(1, "Input #0\nUnknown encoder 'libfoo'\n"));
    assertThat(runner.pendingOutcomes()).isEqualTo(2);

    FfmpegResult first = runner.run(job(context()));
    assertThat(Files.readAllBytes(workspace.resolve("output.mp4"))).isEqualTo(video);
    assertThat(Files.readAllBytes(workspace.resolve("thumb.jpg"))).containsExactly(1, 2);
    assertThat(first.media()).containsEntry("output.mp4", info);

    assertThatThrownBy(() -> runner.run(job(context())))
        .isInstanceOfSatisfying(TaskFailureException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.FFMPEG);
          assertThat(e.retryable()).isFalse();
          assertThat(e.stderrTail()).contains("Unknown encoder 'libfoo'");
        })
        .hasMessage("ffmpeg exited with code 1: Unknown encoder 'libfoo'");

    Files.delete(workspace.resolve("output.mp4"));
    runner.run(job(context()));
    assertThat(Files.readAllBytes(workspace.resolve("output.mp4"))).isEqualTo(FakeOutcome.defaultContent("output.mp4"));
    assertThat(runner.runCount()).isEqualTo(3);
    assertThat(runner.pendingOutcomes()).isZero();
  }

  @Test
  void a_changed_default_outcome_plays_on_every_run_and_each_failure_is_a_new_exception() {
    runner.defaultOutcome(FakeOutcome.fail(new TaskFailureException(ErrorKind.OUT_OF_MEMORY, "killed (137)", true)));
    Throwable first = org.assertj.core.api.Assertions.catchThrowable(() -> runner.run(job(context())));
    Throwable second = org.assertj.core.api.Assertions.catchThrowable(() -> runner.run(job(context())));
    assertThat(first).isInstanceOf(TaskFailureException.class).hasMessage("killed (137)");
    assertThat(second).isNotSameAs(first).hasMessage("killed (137)");
    assertThat(((TaskFailureException) second).retryable()).isTrue();
  }

  @Test
  void progress_steps_are_reported_to_the_task_in_order() {
    FakeTaskContext ctx = context();
    runner.enqueue(FakeOutcome.succeed().withProgress(0.25, 0.5).withProgress(1.0));
    runner.run(job(ctx));
    assertThat(ctx.progress()).extracting(Progress::fraction).containsExactly(0.25, 0.5, 1.0);
  }

  @Test
  void a_missing_output_is_not_written() {
    runner.enqueue(FakeOutcome.succeed().withoutOutput("thumb.jpg"));
    runner.run(job(context()));
    assertThat(workspace.resolve("output.mp4")).exists();
    assertThat(workspace.resolve("thumb.jpg")).doesNotExist();
  }

  @Test
  void an_outcome_naming_an_undeclared_output_is_a_test_mistake_said_plainly() {
    runner.enqueue(FakeOutcome.succeed().withOutput("other.mkv", new byte[] {1}));
    assertThatThrownBy(() -> runner.run(job(context())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'other.mkv'").hasMessageContaining("[output.mp4, thumb.jpg]");
  }

  @Test
  void a_hanging_run_returns_only_when_its_task_is_stopped() throws Exception {
    FakeTaskContext ctx = context();
    runner.enqueue(FakeOutcome.hang());
    CompletableFuture<Throwable> ended = runInBackground(ctx);
    FfmpegJob running = runner.takeJob(Duration.ofSeconds(5));
    assertThat(running.context()).isSameAs(ctx);
    assertThat(ended).isNotDone();
    ctx.stop(StopReason.CANCELLED);
    Throwable e = ended.get(5, TimeUnit.SECONDS);
    assertThat(e).isInstanceOfSatisfying(TaskFailureException.class, f -> assertThat(f.kind()).isEqualTo(ErrorKind.KILLED))
        .hasMessageContaining("CANCELLED");
  }

  @Test
  void a_hang_that_nobody_stops_gives_up_after_its_limit_with_a_hint() {
    runner.enqueue(FakeOutcome.hang().withHangLimit(Duration.ofMillis(100)));
    assertThatThrownBy(() -> runner.run(job(context())))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("nobody stopped it");
  }

  @Test
  void a_task_stopped_before_its_run_ends_it_at_once_without_writing_outputs() {
    FakeTaskContext ctx = context();
    ctx.stop(StopReason.TIMED_OUT);
    assertThatThrownBy(() -> runner.run(job(ctx))).isInstanceOf(TaskFailureException.class).hasMessageContaining("TIMED_OUT");
    assertThat(workspace.resolve("output.mp4")).doesNotExist();
  }

  @Test
  void take_command_returns_the_arguments_of_each_run_in_order() {
    FakeTaskContext a = context();
    runner.run(job(a));
    runner.run(new FfmpegJob(FfmpegCommand.parse("-i input.mp4 -an 'out put.mp4'"), workspace, List.of("input.mp4"),
        List.of(), a));
    assertThat(runner.takeCommand().arguments()).containsExactly("-i", "input.mp4", "-vf", "scale=640:-2", "output.mp4", "thumb.jpg");
    assertThat(runner.takeCommand().arguments()).containsExactly("-i", "input.mp4", "-an", "out put.mp4");
  }

  @Test
  void an_output_copied_from_an_input_holds_the_inputs_bytes_as_fetched() throws Exception {
    byte[] fetched = "the fetched input".getBytes(StandardCharsets.UTF_8);
    Files.write(workspace.resolve("input.mp4"), fetched);
    runner.enqueue(FakeOutcome.succeed().withOutputCopiedFrom("output.mp4", "input.mp4"));
    runner.run(job(context()));
    assertThat(Files.readAllBytes(workspace.resolve("output.mp4"))).isEqualTo(fetched);
    assertThat(Files.readAllBytes(workspace.resolve("thumb.jpg"))).isEqualTo(FakeOutcome.defaultContent("thumb.jpg"));
    assertThat(workspace.resolve("input.mp4")).as("the input is left in place").hasBinaryContent(fetched);
  }

  @Test
  void the_last_word_on_an_output_wins_between_given_bytes_and_a_copied_input() throws Exception {
    Files.write(workspace.resolve("input.mp4"), new byte[] {9});
    runner.enqueue(FakeOutcome.succeed().withOutputCopiedFrom("output.mp4", "input.mp4").withOutput("output.mp4", new byte[] {1}))
        .enqueue(FakeOutcome.succeed().withOutput("output.mp4", new byte[] {1}).withOutputCopiedFrom("output.mp4", "input.mp4"));
    runner.run(job(context()));
    assertThat(Files.readAllBytes(workspace.resolve("output.mp4"))).containsExactly(1);
    runner.run(job(context()));
    assertThat(Files.readAllBytes(workspace.resolve("output.mp4"))).containsExactly(9);
  }

  @Test
  void copying_an_undeclared_input_or_to_an_undeclared_output_is_a_test_mistake_said_plainly() {
    runner.enqueue(FakeOutcome.succeed().withOutputCopiedFrom("output.mp4", "other.mov"))
        .enqueue(FakeOutcome.succeed().withOutputCopiedFrom("other.mkv", "input.mp4"));
    assertThatThrownBy(() -> runner.run(job(context())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("input 'other.mov'").hasMessageContaining("[input.mp4]");
    assertThatThrownBy(() -> runner.run(job(context())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'other.mkv'").hasMessageContaining("[output.mp4, thumb.jpg]");
    assertThat(workspace.resolve("output.mp4")).doesNotExist();
  }

  @Test
  void copying_an_input_that_never_arrived_fails_the_task_naming_the_input() {
    runner.enqueue(FakeOutcome.succeed().withOutputCopiedFrom("output.mp4", "input.mp4"));
    assertThatThrownBy(() -> runner.run(job(context())))
        .isInstanceOfSatisfying(TaskFailureException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FFMPEG))
        .hasMessageContaining("no input 'input.mp4' in the workspace");
  }

  @Test
  void a_paused_run_goes_on_with_its_next_steps_only_once_its_resume_stage_completes() throws Exception {
    FakeTaskContext ctx = context();
    CompletableFuture<Void> progressed = new CompletableFuture<>();
    CompletableFuture<Void> resume = new CompletableFuture<>();
    runner.enqueue(FakeOutcome.succeed().withPauseUntil(progressed).withProgress(0.5).withPauseUntil(resume)
        .withProgress(1.0));
    CompletableFuture<Throwable> ended = runInBackground(ctx);

    runner.takeJob();
    assertThat(ended).isNotDone();
    assertThat(ctx.progress()).isEmpty();
    progressed.complete(null);
    Await.until("progress 0.5", Duration.ofSeconds(5), () -> ctx.progress().size() == 1);
    assertThat(ended).isNotDone();
    assertThat(workspace.resolve("output.mp4")).doesNotExist();

    resume.complete(null);
    assertThat(ended.get(5, TimeUnit.SECONDS)).as("the run succeeded").isNull();
    assertThat(ctx.progress()).extracting(Progress::fraction).containsExactly(0.5, 1.0);
    assertThat(workspace.resolve("output.mp4")).exists();
  }

  @Test
  void once_its_resume_stage_is_complete_a_pausing_outcome_goes_on_at_once_even_if_it_completed_exceptionally() {
    CompletableFuture<Void> resume = new CompletableFuture<>();
    resume.completeExceptionally(new IllegalStateException("whatever"));
    runner.defaultOutcome(FakeOutcome.succeed().withPauseUntil(resume).withHangLimit(Duration.ofSeconds(5)));
    runner.run(job(context()));
    runner.run(job(context()));
    assertThat(runner.runCount()).isEqualTo(2);
  }

  @Test
  void a_stop_ends_a_paused_run_as_a_killed_ffmpeg_without_writing_outputs() throws Exception {
    FakeTaskContext ctx = context();
    runner.enqueue(FakeOutcome.succeed().withProgress(0.5).withPauseUntil(new CompletableFuture<>()));
    CompletableFuture<Throwable> ended = runInBackground(ctx);
    runner.takeJob();
    Await.until("progress 0.5", Duration.ofSeconds(5), () -> ctx.progress().size() == 1);
    ctx.stop(StopReason.SHUTDOWN);
    assertThat(ended.get(5, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(TaskFailureException.class, f -> assertThat(f.kind()).isEqualTo(ErrorKind.KILLED))
        .hasMessageContaining("SHUTDOWN");
    assertThat(workspace.resolve("output.mp4")).doesNotExist();
    assertThat(ctx.stopActions()).as("the pause let go of its stop action").isZero();
  }

  @Test
  void a_pause_that_nobody_resumes_gives_up_after_the_hang_limit_with_a_hint() {
    runner.enqueue(FakeOutcome.succeed().withPauseUntil(new CompletableFuture<>()).withHangLimit(Duration.ofMillis(100)));
    assertThatThrownBy(() -> runner.run(job(context())))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("nobody resumed it")
        .hasMessageContaining("withPauseUntil");
  }

  @Test
  void an_outcome_describes_its_steps() {
    assertThat(FakeOutcome.succeed().withProgress(0.5).withPauseUntil(new CompletableFuture<>()))
        .hasToString("FakeOutcome.succeed() with steps [progress 0.5, pause]");
  }

  @Test
  void take_job_without_a_run_fails_after_its_timeout() {
    assertThatThrownBy(() -> runner.takeJob(Duration.ofMillis(50)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("no ffmpeg run started within 50 ms");
  }
}
