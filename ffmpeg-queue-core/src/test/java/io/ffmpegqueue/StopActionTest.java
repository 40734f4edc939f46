package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Stop actions (TaskContext.onStop), driven step by step on the test's thread. */
class StopActionTest {
  private final AtomicReference<Instant> now = Fixtures.clock();

  private static TaskRequest request() {
    return TaskRequest.builder().command("-f lavfi -i testsrc=d=1 out.mp4").output("out.mp4").build();
  }

  @Test
  void a_stop_action_runs_when_a_running_task_is_cancelled() {
    AtomicInteger stopped = new AtomicInteger();
    AtomicReference<FfmpegQueue> queue = new AtomicReference<>();
    WorkerDriver d = WorkerDriver.build(FfmpegQueue.builder().workers(1).clock(now::get)
        .handler(ctx -> {
          ctx.onStop(stopped::incrementAndGet);
          queue.get().cancel(ctx.task().id()); // the task's "work" is cancelled while it runs
          return List.of();
        }));
    try (FfmpegQueue q = d.queue()) {
      queue.set(q);
      Submission s = q.submit(request());
      Fixtures.runUntilDone(d, now);
      assertThat(s.completion().getNow(null).status()).isEqualTo(TaskStatus.CANCELLED);
      assertThat(stopped).as("the stop action ran once").hasValue(1);
    }
  }

  @Test
  void closing_a_stop_subscription_after_the_task_ended_is_harmless() {
    AtomicReference<Subscription> subscription = new AtomicReference<>();
    WorkerDriver d = WorkerDriver.build(FfmpegQueue.builder().workers(1).clock(now::get)
        .handler(ctx -> {
          subscription.set(ctx.onStop(() -> { }));
          return List.of();
        }));
    try (FfmpegQueue q = d.queue()) {
      Submission s = q.submit(request());
      Fixtures.runUntilDone(d, now);
      assertThat(s.completion().getNow(null).status()).isEqualTo(TaskStatus.COMPLETED);
      assertThatCode(() -> subscription.get().close()).doesNotThrowAnyException();
    }
  }
}
