package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.spi.StopReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TimeoutAndCancelTest {
  @Test
  void a_task_that_runs_past_its_timeout_is_stopped_and_fails_with_timeout() throws Exception {
    AtomicReference<StopReason> seen = new AtomicReference<>();
    try (FfmpegQueue q = Fixtures.fastQueue().handler(ctx -> {
      Fixtures.runUntilStopped(ctx);
      seen.set(ctx.stopReason());
      return List.of();
    }).build()) {
      Task t = q.submit(Fixtures.request().toBuilder().timeout(Duration.ofMillis(300)).build())
          .completion().get(10, TimeUnit.SECONDS);
      assertThat(t.status()).isEqualTo(TaskStatus.FAILED);
      assertThat(t.error().kind()).isEqualTo(ErrorKind.TIMEOUT);
      assertThat(t.errorMessage()).contains("timeout of 300 ms");
      assertThat(seen.get()).isEqualTo(StopReason.TIMED_OUT);
    }
  }

  @Test
  void a_cancelled_pending_task_never_runs() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    try (FfmpegQueue q = Fixtures.fastQueue().workers(1).handler(ctx -> {
      runs.incrementAndGet();
      release.await(10, TimeUnit.SECONDS);
      return Fixtures.outputs(ctx);
    }).build()) {
      Submission blocker = q.submit(Fixtures.request());
      await().until(() -> q.find(blocker.id()).orElseThrow().status() == TaskStatus.RUNNING);
      Submission victim = q.submit(Fixtures.request());
      Task cancelled = q.cancel(victim.id()).orElseThrow();
      assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
      assertThat(victim.completion().get(5, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.CANCELLED);
      release.countDown();
      assertThat(blocker.completion().get(5, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(runs).hasValue(1);
      assertThat(q.queueSize()).isZero();
    }
  }

  @Test
  void cancelling_a_running_task_stops_it_and_ends_it_cancelled() throws Exception {
    AtomicReference<StopReason> seen = new AtomicReference<>();
    try (FfmpegQueue q = Fixtures.fastQueue().handler(ctx -> {
      Fixtures.runUntilStopped(ctx);
      seen.set(ctx.stopReason());
      return List.of();
    }).build()) {
      Submission s = q.submit(Fixtures.request());
      await().until(() -> q.find(s.id()).orElseThrow().status() == TaskStatus.RUNNING);
      assertThat(q.cancel(s.id()).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
      Task t = s.completion().get(5, TimeUnit.SECONDS);
      assertThat(t.status()).isEqualTo(TaskStatus.CANCELLED);
      assertThat(t.error().kind()).isEqualTo(ErrorKind.CANCELLED);
      assertThat(seen.get()).isEqualTo(StopReason.CANCELLED);
    }
  }

  @Test
  void cancelling_a_final_or_unknown_task_changes_nothing() throws Exception {
    try (FfmpegQueue q = Fixtures.fastQueue().handler(Fixtures::outputs).build()) {
      Submission s = q.submit(Fixtures.request());
      s.completion().get(5, TimeUnit.SECONDS);
      assertThat(q.cancel(s.id()).orElseThrow().status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(q.cancel(TaskId.random())).isEmpty();
    }
  }
}
