package io.ffmpegqueue.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.FfmpegJob;
import io.ffmpegqueue.ffmpeg.Progress;
import io.ffmpegqueue.io.FetchRequest;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.io.InputFetcher;
import io.ffmpegqueue.spi.StopReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FakeTaskContextTest {
  @TempDir
  Path workspace;

  @Test
  void a_new_context_holds_a_pending_task_of_the_default_request_with_an_hour_to_go() {
    FakeTaskContext ctx = new FakeTaskContext();
    assertThat(ctx.task().request()).isEqualTo(FakeTaskContext.DEFAULT_REQUEST);
    assertThat(ctx.task().status()).isEqualTo(TaskStatus.PENDING);
    assertThat(ctx.deadline()).isBetween(Instant.now().plus(Duration.ofMinutes(59)), Instant.now().plus(Duration.ofHours(1)));
    assertThat(ctx.isStopped()).isFalse();
    assertThat(new FakeTaskContext().task().id()).isNotEqualTo(ctx.task().id());
  }

  @Test
  void the_job_of_a_context_is_its_tasks_command_inputs_and_outputs_in_the_workspace() {
    TaskRequest r = TaskRequest.builder().command("-i a.mov -i b.wav -map 0:v -map 1:a out.mp4 thumb.jpg")
        .input("a.mov", "test://in/a.mov").input("b.wav", "test://in/b.wav").output("out.mp4").output("thumb.jpg").build();
    FakeTaskContext ctx = new FakeTaskContext(r);
    FfmpegJob job = ctx.job(workspace);
    assertThat(job.command().arguments()).containsExactly("-i", "a.mov", "-i", "b.wav", "-map", "0:v", "-map", "1:a",
        "out.mp4", "thumb.jpg");
    assertThat(job.workspace()).isEqualTo(workspace);
    assertThat(job.inputs()).containsExactly("a.mov", "b.wav");
    assertThat(job.outputs()).containsExactly("out.mp4", "thumb.jpg");
    assertThat(job.context()).isSameAs(ctx);
  }

  @Test
  void progress_is_recorded_in_the_order_reported() {
    FakeTaskContext ctx = new FakeTaskContext();
    ctx.reportProgress(Progress.ofFraction(0.25));
    ctx.reportProgress(Progress.ofFraction(1.0));
    assertThat(ctx.progress()).extracting(Progress::fraction).containsExactly(0.25, 1.0);
    assertThatThrownBy(() -> ctx.progress().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void a_stop_runs_each_open_stop_action_once_and_later_ones_at_once() {
    FakeTaskContext ctx = new FakeTaskContext();
    AtomicInteger open = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();
    ctx.onStop(open::incrementAndGet);
    Subscription s = ctx.onStop(closed::incrementAndGet);
    s.close();
    assertThat(ctx.stopActions()).isEqualTo(1);

    ctx.stop(StopReason.CANCELLED);
    ctx.stop(StopReason.TIMED_OUT);

    assertThat(open).hasValue(1);
    assertThat(closed).hasValue(0);
    assertThat(ctx.stopReason()).as("the first stop's reason").isEqualTo(StopReason.CANCELLED);
    assertThat(ctx.isStopped()).isTrue();
    AtomicInteger late = new AtomicInteger();
    ctx.onStop(late::incrementAndGet).close();
    assertThat(late).hasValue(1);
    assertThat(ctx.stopActions()).as("the action left open is still counted").isEqualTo(1);
    assertThat(ctx.toString()).contains("stopped: CANCELLED");
  }

  @Test
  void stop_actions_may_close_their_own_subscription_while_the_stop_runs_them() {
    FakeTaskContext ctx = new FakeTaskContext();
    Subscription[] self = new Subscription[1];
    List<String> ran = new CopyOnWriteArrayList<>();
    self[0] = ctx.onStop(() -> {
      ran.add("first");
      self[0].close();
    });
    ctx.onStop(() -> ran.add("second"));
    ctx.stop(StopReason.SHUTDOWN);
    assertThat(ran).containsExactly("first", "second");
    assertThat(ctx.stopActions()).isEqualTo(1);
  }

  // sample:task-context
  @Test
  void an_input_fetcher_can_be_called_directly_with_a_fake_context() throws Exception {
    Path uploads = Files.createDirectories(workspace.resolve("uploads"));
    Files.writeString(uploads.resolve("cat.mp4"), "the cat video");
    InputFetcher fetcher = FileInputFetcher.allowing(uploads); // or a fetcher of your own
    FakeTaskContext ctx = new FakeTaskContext();

    Path target = workspace.resolve("input.mp4");
    fetcher.fetch(new FetchRequest("input.mp4", uploads.resolve("cat.mp4").toUri(), target, ctx));

    assertThat(target).hasContent("the cat video");
    assertThat(ctx.stopActions()).isZero(); // it let go of the task's stop signal
  }
  // end-sample
}
