package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.spi.StopReason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Timeouts and cancels, driven step by step on the test's thread: a handler moves the clock and runs the
 * supervisor's pass, or cancels its own task, while it runs.
 */
class TimeoutAndCancelTest {
  private final AtomicReference<Instant> now = Fixtures.clock();
  private final AtomicReference<WorkerDriver> driver = new AtomicReference<>();

  private WorkerDriver drive(FfmpegQueue.Builder builder) {
    driver.set(WorkerDriver.build(builder.clock(now::get)));
    return driver.get();
  }

  @Test
  void a_task_that_runs_past_its_timeout_is_stopped_and_fails_with_timeout() {
    AtomicReference<StopReason> seen = new AtomicReference<>();
    AtomicReference<StopReason> signalled = new AtomicReference<>();
    WorkerDriver d = drive(Fixtures.fastQueue().handler(ctx -> {
      ctx.onStop(() -> signalled.set(ctx.stopReason()));
      now.updateAndGet(t -> t.plus(Duration.ofMillis(300))); // the attempt has run its timeout
      driver.get().superviseOnce();
      seen.set(ctx.stopReason());
      return List.of();
    }));
    try (FfmpegQueue q = d.queue()) {
      Submission s = q.submit(Fixtures.request().toBuilder().timeout(Duration.ofMillis(300)).build());
      Fixtures.runUntilDone(d, now);
      Task t = s.completion().getNow(null);
      assertThat(t.status()).isEqualTo(TaskStatus.FAILED);
      assertThat(t.error().kind()).isEqualTo(ErrorKind.TIMEOUT);
      assertThat(t.errorMessage()).contains("timeout of 300 ms");
      assertThat(seen.get()).isEqualTo(StopReason.TIMED_OUT);
      assertThat(signalled.get()).as("the stop action ran").isEqualTo(StopReason.TIMED_OUT);
    }
  }

  @Test
  void a_task_within_its_timeout_is_not_stopped_by_a_supervisor_pass() {
    AtomicReference<StopReason> seen = new AtomicReference<>(StopReason.SHUTDOWN);
    WorkerDriver d = drive(Fixtures.fastQueue().handler(ctx -> {
      now.updateAndGet(t -> t.plus(Duration.ofMillis(299)));
      driver.get().superviseOnce();
      seen.set(ctx.stopReason());
      return Fixtures.outputs(ctx);
    }));
    try (FfmpegQueue q = d.queue()) {
      Submission s = q.submit(Fixtures.request().toBuilder().timeout(Duration.ofMillis(300)).build());
      Fixtures.runUntilDone(d, now);
      assertThat(s.completion().getNow(null).status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(seen.get()).isNull();
    }
  }

  @Test
  void a_cancelled_pending_task_never_runs() {
    AtomicInteger runs = new AtomicInteger();
    AtomicReference<Task> cancelledWhileBlockerRan = new AtomicReference<>();
    AtomicReference<FfmpegQueue> queue = new AtomicReference<>();
    AtomicReference<TaskId> victim = new AtomicReference<>();
    WorkerDriver d = drive(Fixtures.fastQueue().workers(1).handler(ctx -> {
      if (runs.incrementAndGet() == 1) {
        // The victim waits behind this task; cancelled now, it must never start.
        victim.set(queue.get().submit(Fixtures.request()).id());
        cancelledWhileBlockerRan.set(queue.get().cancel(victim.get()).orElseThrow());
      }
      return Fixtures.outputs(ctx);
    }));
    try (FfmpegQueue q = d.queue()) {
      queue.set(q);
      Submission blocker = q.submit(Fixtures.request());
      Fixtures.runUntilDone(d, now);
      assertThat(cancelledWhileBlockerRan.get().status()).isEqualTo(TaskStatus.CANCELLED);
      assertThat(q.find(victim.get()).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
      assertThat(blocker.completion().getNow(null).status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(runs).hasValue(1);
      assertThat(q.queueSize()).isZero();
    }
  }

  @Test
  void cancelling_a_running_task_stops_it_and_ends_it_cancelled() {
    AtomicReference<StopReason> seen = new AtomicReference<>();
    AtomicReference<Task> whileRunning = new AtomicReference<>();
    AtomicReference<FfmpegQueue> queue = new AtomicReference<>();
    WorkerDriver d = drive(Fixtures.fastQueue().handler(ctx -> {
      whileRunning.set(queue.get().cancel(ctx.task().id()).orElseThrow());
      seen.set(ctx.stopReason());
      return List.of();
    }));
    try (FfmpegQueue q = d.queue()) {
      queue.set(q);
      Submission s = q.submit(Fixtures.request());
      Fixtures.runUntilDone(d, now);
      assertThat(whileRunning.get().status()).isEqualTo(TaskStatus.RUNNING);
      Task t = s.completion().getNow(null);
      assertThat(t.status()).isEqualTo(TaskStatus.CANCELLED);
      assertThat(t.error().kind()).isEqualTo(ErrorKind.CANCELLED);
      assertThat(seen.get()).isEqualTo(StopReason.CANCELLED);
    }
  }

  @Test
  void cancelling_a_final_or_unknown_task_changes_nothing() {
    WorkerDriver d = drive(Fixtures.fastQueue().handler(Fixtures::outputs));
    try (FfmpegQueue q = d.queue()) {
      Submission s = q.submit(Fixtures.request());
      Fixtures.runUntilDone(d, now);
      assertThat(q.cancel(s.id()).orElseThrow().status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(q.cancel(TaskId.random())).isEmpty();
    }
  }
}
