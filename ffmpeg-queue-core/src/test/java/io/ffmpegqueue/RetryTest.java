package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Retries, driven step by step on the test's thread with a clock that moves past each backoff. */
class RetryTest {
  private final AtomicReference<Instant> now = Fixtures.clock();

  /** Submits {@code request} to a driven queue of {@code builder}, runs it to its end and returns it. */
  private Task runToEnd(FfmpegQueue.Builder builder, TaskRequest request) {
    WorkerDriver d = WorkerDriver.build(builder.clock(now::get));
    try (FfmpegQueue q = d.queue()) {
      Submission s = q.submit(request);
      Fixtures.runUntilDone(d, now);
      Task t = s.completion().getNow(null);
      assertThat(t).as("the task ended").isNotNull();
      return t;
    }
  }

  @Test
  void a_retryable_failure_is_retried_with_backoff_and_then_completes() {
    AtomicInteger calls = new AtomicInteger();
    List<TaskEvent.Type> events = new CopyOnWriteArrayList<>();
    Task done = runToEnd(Fixtures.fastQueue().handler(ctx -> {
      if (calls.incrementAndGet() < 3) {
        throw new TaskFailureException(ErrorKind.INPUT, "input 'input.mp4': HTTP 503", true);
      }
      return Fixtures.outputs(ctx);
    }).listener(e -> events.add(e.type())), Fixtures.request());
    assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(done.attempt()).isEqualTo(3);
    assertThat(done.error()).isNull();
    assertThat(events).containsExactly(TaskEvent.Type.SUBMITTED, TaskEvent.Type.STARTED,
        TaskEvent.Type.RETRY_SCHEDULED, TaskEvent.Type.STARTED, TaskEvent.Type.RETRY_SCHEDULED,
        TaskEvent.Type.STARTED, TaskEvent.Type.COMPLETED);
  }

  @Test
  void a_retry_waits_for_its_backoff() {
    AtomicInteger calls = new AtomicInteger();
    WorkerDriver d = WorkerDriver.build(Fixtures.fastQueue().clock(now::get)
        .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofSeconds(10)).maxBackoff(Duration.ofSeconds(10))
            .jitter(0).build())
        .handler(ctx -> {
          if (calls.incrementAndGet() == 1) {
            throw new TaskFailureException(ErrorKind.INPUT, "input 'input.mp4': HTTP 503", true);
          }
          return Fixtures.outputs(ctx);
        }));
    try (FfmpegQueue q = d.queue()) {
      Submission s = q.submit(Fixtures.request());
      assertThat(d.runNext()).isPresent();
      assertThat(d.runNext()).as("not before its backoff").isEmpty();
      now.updateAndGet(t -> t.plus(Duration.ofSeconds(10)));
      assertThat(d.runNext()).isPresent();
      assertThat(q.find(s.id()).orElseThrow().status()).isEqualTo(TaskStatus.COMPLETED);
    }
  }

  @Test
  void an_ffmpeg_error_is_not_retried_by_default() {
    AtomicInteger calls = new AtomicInteger();
    Task t = runToEnd(Fixtures.fastQueue().handler(ctx -> {
      calls.incrementAndGet();
      throw new TaskFailureException(ErrorKind.FFMPEG, "ffmpeg exited with 1: Unknown encoder 'x'", false, "Unknown encoder 'x'", null);
    }), Fixtures.request());
    assertThat(t.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(t.error().kind()).isEqualTo(ErrorKind.FFMPEG);
    assertThat(t.error().stderrTail()).contains("Unknown encoder");
    assertThat(t.errorMessage()).contains("Unknown encoder 'x'");
    assertThat(calls).hasValue(1);
  }

  @Test
  void a_policy_may_retry_ffmpeg_errors_too() {
    AtomicInteger calls = new AtomicInteger();
    Task t = runToEnd(Fixtures.fastQueue()
        .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(5)).maxBackoff(Duration.ofMillis(5))
            .alsoRetry(ErrorKind.FFMPEG).maxAttempts(2).build())
        .handler(ctx -> {
          calls.incrementAndGet();
          throw new TaskFailureException(ErrorKind.FFMPEG, "flaky source", false);
        }), Fixtures.request());
    assertThat(t.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(calls).hasValue(2);
  }

  @Test
  void when_attempts_are_spent_the_task_fails_with_the_last_error() {
    AtomicInteger calls = new AtomicInteger();
    Task t = runToEnd(Fixtures.fastQueue().handler(ctx -> {
      throw new TaskFailureException(ErrorKind.STORAGE, "output 'output.mp4': upload failed #" + calls.incrementAndGet(), true);
    }), Fixtures.request().toBuilder().maxAttempts(4).build());
    assertThat(t.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(t.attempt()).isEqualTo(4);
    assertThat(t.errorMessage()).isEqualTo("output 'output.mp4': upload failed #4");
  }

  @Test
  void an_unexpected_exception_is_an_internal_error_and_retried() {
    AtomicInteger calls = new AtomicInteger();
    Task t = runToEnd(Fixtures.fastQueue().handler(ctx -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("boom");
      }
      return Fixtures.outputs(ctx);
    }), Fixtures.request());
    assertThat(t.status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(calls).hasValue(2);
  }

  @Test
  void backoff_grows_and_stays_within_its_bounds() {
    RetryPolicy p = RetryPolicy.builder().initialBackoff(Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(10))
        .multiplier(2).jitter(0.2).build();
    for (int i = 0; i < 50; i++) {
      assertThat(p.backoff(1)).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
      assertThat(p.backoff(3)).isBetween(Duration.ofMillis(3200), Duration.ofMillis(4800));
      assertThat(p.backoff(20)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(12));
    }
  }

  @Test
  void submission_fills_in_the_queues_defaults() {
    try (FfmpegQueue q = Fixtures.fastQueue().workers(0).defaultTimeout(Duration.ofMinutes(7))
        .retryPolicy(RetryPolicy.builder().maxAttempts(5).build()).build()) {
      Task t = q.submit(Fixtures.request()).task();
      assertThat(t.request().timeout()).isEqualTo(Duration.ofMinutes(7));
      assertThat(t.request().maxAttempts()).isEqualTo(5);
    }
  }
}
