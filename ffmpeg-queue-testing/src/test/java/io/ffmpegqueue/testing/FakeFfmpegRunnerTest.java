package io.ffmpegqueue.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import io.ffmpegqueue.ffmpeg.FfmpegJob;
import io.ffmpegqueue.ffmpeg.FfmpegResult;
import io.ffmpegqueue.ffmpeg.MediaInfo;
import io.ffmpegqueue.spi.StopReason;
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

  private FfmpegJob job(StubContext ctx) {
    return new FfmpegJob(FfmpegCommand.parse(ctx.task.request().command()), workspace,
        List.of("input.mp4"), ctx.task.request().outputs(), ctx);
  }

  @Test
  void with_nothing_enqueued_a_run_succeeds_and_writes_every_declared_output() throws Exception {
    StubContext ctx = new StubContext();
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

    FfmpegResult first = runner.run(job(new StubContext()));
    assertThat(Files.readAllBytes(workspace.resolve("output.mp4"))).isEqualTo(video);
    assertThat(Files.readAllBytes(workspace.resolve("thumb.jpg"))).containsExactly(1, 2);
    assertThat(first.media()).containsEntry("output.mp4", info);

    assertThatThrownBy(() -> runner.run(job(new StubContext())))
        .isInstanceOfSatisfying(TaskFailureException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.FFMPEG);
          assertThat(e.retryable()).isFalse();
          assertThat(e.stderrTail()).contains("Unknown encoder 'libfoo'");
        })
        .hasMessage("ffmpeg exited with code 1: Unknown encoder 'libfoo'");

    Files.delete(workspace.resolve("output.mp4"));
    runner.run(job(new StubContext()));
    assertThat(Files.readAllBytes(workspace.resolve("output.mp4"))).isEqualTo(FakeOutcome.defaultContent("output.mp4"));
    assertThat(runner.runCount()).isEqualTo(3);
    assertThat(runner.pendingOutcomes()).isZero();
  }

  @Test
  void a_changed_default_outcome_plays_on_every_run_and_each_failure_is_a_new_exception() {
    runner.defaultOutcome(FakeOutcome.fail(new TaskFailureException(ErrorKind.OUT_OF_MEMORY, "killed (137)", true)));
    Throwable first = org.assertj.core.api.Assertions.catchThrowable(() -> runner.run(job(new StubContext())));
    Throwable second = org.assertj.core.api.Assertions.catchThrowable(() -> runner.run(job(new StubContext())));
    assertThat(first).isInstanceOf(TaskFailureException.class).hasMessage("killed (137)");
    assertThat(second).isNotSameAs(first).hasMessage("killed (137)");
    assertThat(((TaskFailureException) second).retryable()).isTrue();
  }

  @Test
  void progress_steps_are_reported_to_the_task_in_order() {
    StubContext ctx = new StubContext();
    runner.enqueue(FakeOutcome.succeed().withProgress(0.25, 0.5).withProgress(1.0));
    runner.run(job(ctx));
    assertThat(ctx.progress).containsExactly(0.25, 0.5, 1.0);
  }

  @Test
  void a_missing_output_is_not_written() {
    runner.enqueue(FakeOutcome.succeed().withoutOutput("thumb.jpg"));
    runner.run(job(new StubContext()));
    assertThat(workspace.resolve("output.mp4")).exists();
    assertThat(workspace.resolve("thumb.jpg")).doesNotExist();
  }

  @Test
  void an_outcome_naming_an_undeclared_output_is_a_test_mistake_said_plainly() {
    runner.enqueue(FakeOutcome.succeed().withOutput("other.mkv", new byte[] {1}));
    assertThatThrownBy(() -> runner.run(job(new StubContext())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'other.mkv'").hasMessageContaining("[output.mp4, thumb.jpg]");
  }

  @Test
  void a_hanging_run_returns_only_when_its_task_is_stopped() throws Exception {
    StubContext ctx = new StubContext();
    runner.enqueue(FakeOutcome.hang());
    CompletableFuture<Throwable> ended = CompletableFuture.supplyAsync(() -> {
      try {
        runner.run(job(ctx));
        return null;
      } catch (Throwable e) {
        return e;
      }
    });
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
    assertThatThrownBy(() -> runner.run(job(new StubContext())))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("nobody stopped it");
  }

  @Test
  void a_task_stopped_before_its_run_ends_it_at_once_without_writing_outputs() {
    StubContext ctx = new StubContext();
    ctx.stop(StopReason.TIMED_OUT);
    assertThatThrownBy(() -> runner.run(job(ctx))).isInstanceOf(TaskFailureException.class).hasMessageContaining("TIMED_OUT");
    assertThat(workspace.resolve("output.mp4")).doesNotExist();
  }

  @Test
  void take_command_returns_the_arguments_of_each_run_in_order() {
    StubContext a = new StubContext();
    runner.run(job(a));
    runner.run(new FfmpegJob(FfmpegCommand.parse("-i input.mp4 -an 'out put.mp4'"), workspace, List.of("input.mp4"),
        List.of(), a));
    assertThat(runner.takeCommand().arguments()).containsExactly("-i", "input.mp4", "-vf", "scale=640:-2", "output.mp4", "thumb.jpg");
    assertThat(runner.takeCommand().arguments()).containsExactly("-i", "input.mp4", "-an", "out put.mp4");
  }

  @Test
  void take_job_without_a_run_fails_after_its_timeout() {
    assertThatThrownBy(() -> runner.takeJob(Duration.ofMillis(50)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("no ffmpeg run started within 50 ms");
  }
}
