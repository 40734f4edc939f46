package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {
  @Test
  void a_retryable_failure_is_retried_with_backoff_and_then_completes() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<TaskEvent.Type> events = new CopyOnWriteArrayList<>();
    try (FfmpegQueue q = Fixtures.fastQueue().handler(ctx -> {
      if (calls.incrementAndGet() < 3) {
        throw new TaskFailureException(ErrorKind.INPUT, "input 'input.mp4': HTTP 503", true);
      }
      return Fixtures.outputs(ctx);
    }).listener(e -> events.add(e.type())).build()) {
      Task done = q.submit(Fixtures.request()).completion().get(10, TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(done.attempt()).isEqualTo(3);
      assertThat(done.error()).isNull();
      await().atMost(Duration.ofSeconds(5)).until(() -> events.contains(TaskEvent.Type.COMPLETED));
      assertThat(events).containsSubsequence(TaskEvent.Type.SUBMITTED, TaskEvent.Type.STARTED,
          TaskEvent.Type.RETRY_SCHEDULED, TaskEvent.Type.STARTED, TaskEvent.Type.RETRY_SCHEDULED,
          TaskEvent.Type.STARTED, TaskEvent.Type.COMPLETED);
    }
  }

  @Test
  void an_ffmpeg_error_is_not_retried_by_default() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (FfmpegQueue q = Fixtures.fastQueue().handler(ctx -> {
      calls.incrementAndGet();
      throw new TaskFailureException(ErrorKind.FFMPEG, "ffmpeg exited with 1: Unknown encoder 'x'", false, "Unknown encoder 'x'", null);
    }).build()) {
      Task t = q.submit(Fixtures.request()).completion().get(10, TimeUnit.SECONDS);
      assertThat(t.status()).isEqualTo(TaskStatus.FAILED);
      assertThat(t.error().kind()).isEqualTo(ErrorKind.FFMPEG);
      assertThat(t.error().stderrTail()).contains("Unknown encoder");
      assertThat(t.errorMessage()).contains("Unknown encoder 'x'");
      assertThat(calls).hasValue(1);
    }
  }

  @Test
  void a_policy_may_retry_ffmpeg_errors_too() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (FfmpegQueue q = Fixtures.fastQueue()
        .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(5)).maxBackoff(Duration.ofMillis(5))
            .alsoRetry(ErrorKind.FFMPEG).maxAttempts(2).build())
        .handler(ctx -> {
          calls.incrementAndGet();
          throw new TaskFailureException(ErrorKind.FFMPEG, "flaky source", false);
        }).build()) {
      Task t = q.submit(Fixtures.request()).completion().get(10, TimeUnit.SECONDS);
      assertThat(t.status()).isEqualTo(TaskStatus.FAILED);
      assertThat(calls).hasValue(2);
    }
  }

  @Test
  void when_attempts_are_spent_the_task_fails_with_the_last_error() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (FfmpegQueue q = Fixtures.fastQueue().handler(ctx -> {
      throw new TaskFailureException(ErrorKind.STORAGE, "output 'output.mp4': upload failed #" + calls.incrementAndGet(), true);
    }).build()) {
      Task t = q.submit(Fixtures.request().toBuilder().maxAttempts(4).build()).completion().get(10, TimeUnit.SECONDS);
      assertThat(t.status()).isEqualTo(TaskStatus.FAILED);
      assertThat(t.attempt()).isEqualTo(4);
      assertThat(t.errorMessage()).isEqualTo("output 'output.mp4': upload failed #4");
    }
  }

  @Test
  void an_unexpected_exception_is_an_internal_error_and_retried() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (FfmpegQueue q = Fixtures.fastQueue().handler(ctx -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("boom");
      }
      return Fixtures.outputs(ctx);
    }).build()) {
      Task t = q.submit(Fixtures.request()).completion().get(10, TimeUnit.SECONDS);
      assertThat(t.status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(calls).hasValue(2);
    }
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
