package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StopActionTest {
  private static TaskRequest request() {
    return TaskRequest.builder().command("-f lavfi -i testsrc=d=1 out.mp4").output("out.mp4").build();
  }

  @Test
  void a_stop_action_runs_when_a_running_task_is_cancelled() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    try (FfmpegQueue queue = FfmpegQueue.builder().workers(1).pollWait(Duration.ofMillis(200))
        .handler(ctx -> {
          ctx.onStop(stopped::countDown);
          started.countDown();
          stopped.await(10, TimeUnit.SECONDS); // the task's "work" lasts until it is told to stop
          return List.of();
        })
        .build()) {
      Submission s = queue.submit(request());
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      queue.cancel(s.id());
      assertThat(s.completion().get(10, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.CANCELLED);
      assertThat(stopped.getCount()).isZero();
    }
  }

  @Test
  void closing_a_stop_subscription_after_the_task_ended_is_harmless() throws Exception {
    AtomicReference<Subscription> subscription = new AtomicReference<>();
    try (FfmpegQueue queue = FfmpegQueue.builder().workers(1).pollWait(Duration.ofMillis(200))
        .handler(ctx -> {
          subscription.set(ctx.onStop(() -> { }));
          return List.of();
        })
        .build()) {
      Task done = queue.submit(request()).completion().get(10, TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
      assertThatCode(() -> subscription.get().close()).doesNotThrowAnyException();
    }
  }
}
