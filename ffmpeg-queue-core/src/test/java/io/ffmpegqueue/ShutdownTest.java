package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.spi.StopReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ShutdownTest {
  private static List<String> queueThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("ffq-"))
        .toList();
  }

  @Test
  void close_lets_a_running_task_finish_within_the_drain_timeout() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch mayFinish = new CountDownLatch(1);
    InMemoryQueueBackend backend = InMemoryQueueBackend.create();
    FfmpegQueue q = Fixtures.fastQueue().backend(backend).handler(ctx -> {
      started.countDown();
      mayFinish.await(10, TimeUnit.SECONDS);
      return Fixtures.outputs(ctx);
    }).build();
    Submission s = q.submit(Fixtures.request());
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    Thread closer = new Thread(q::close);
    closer.start();
    assertThatSubmitIsRefused(q);
    mayFinish.countDown();
    closer.join(10_000);
    assertThat(closer.isAlive()).isFalse();
    assertThat(backend.find(s.id()).orElseThrow().status()).isEqualTo(TaskStatus.COMPLETED);
  }

  private static void assertThatSubmitIsRefused(FfmpegQueue q) {
    await().untilAsserted(() -> org.assertj.core.api.Assertions.assertThatThrownBy(() -> q.submit(Fixtures.request()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed"));
  }

  @Test
  void close_stops_tasks_still_running_after_the_drain_and_puts_them_back_pending() throws Exception {
    InMemoryQueueBackend backend = InMemoryQueueBackend.create();
    AtomicReference<StopReason> seen = new AtomicReference<>();
    FfmpegQueue q = Fixtures.fastQueue().backend(backend).drainTimeout(Duration.ofMillis(100)).handler(ctx -> {
      Fixtures.runUntilStopped(ctx);
      seen.set(ctx.stopReason());
      return List.of();
    }).build();
    Submission running = q.submit(Fixtures.request());
    await().until(() -> backend.find(running.id()).orElseThrow().status() == TaskStatus.RUNNING);
    Submission waiting = q.submit(Fixtures.request());
    q.close();
    assertThat(seen.get()).isEqualTo(StopReason.SHUTDOWN);
    assertThat(backend.find(running.id()).orElseThrow().status()).isEqualTo(TaskStatus.PENDING);
    assertThat(backend.find(waiting.id()).orElseThrow().status()).isEqualTo(TaskStatus.PENDING);
    assertThat(queueThreads()).isEmpty();

    // Nothing accepted is lost: the next queue on the same backend runs both.
    try (FfmpegQueue next = Fixtures.fastQueue().backend(backend).handler(Fixtures::outputs).build()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> next.counts().get(TaskStatus.COMPLETED) == 2L);
    }
  }

  @Test
  void a_task_handed_back_at_shutdown_and_completed_elsewhere_never_reads_more_attempts_than_its_limit()
      throws Exception {
    InMemoryQueueBackend backend = InMemoryQueueBackend.create();
    FfmpegQueue q = Fixtures.fastQueue().backend(backend).drainTimeout(Duration.ZERO).handler(ctx -> {
      Fixtures.runUntilStopped(ctx);
      return List.of();
    }).build();
    Submission s = q.submit(Fixtures.request().toBuilder().maxAttempts(1).build());
    await().until(() -> backend.find(s.id()).orElseThrow().status() == TaskStatus.RUNNING);
    q.close();
    Task back = backend.find(s.id()).orElseThrow();
    assertThat(back.status()).isEqualTo(TaskStatus.PENDING);
    assertThat(back.attempt()).as("the hand-back is not an attempt").isZero();

    try (FfmpegQueue next = Fixtures.fastQueue().backend(backend).handler(Fixtures::outputs).build()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> next.counts().get(TaskStatus.COMPLETED) == 1L);
    }
    Task done = backend.find(s.id()).orElseThrow();
    assertThat(done.attempt()).isEqualTo(1);
    var json = TaskJson.toJson(done);
    assertThat(json.get("attempts").asInt()).isLessThanOrEqualTo(json.get("max_attempts").asInt()).isEqualTo(1);
  }

  @Test
  void a_handler_that_ignores_its_stop_is_interrupted_and_its_task_released() throws Exception {
    InMemoryQueueBackend backend = InMemoryQueueBackend.create();
    CountDownLatch started = new CountDownLatch(1);
    FfmpegQueue q = Fixtures.fastQueue().backend(backend).drainTimeout(Duration.ZERO).stopTimeout(Duration.ofMillis(200))
        .handler(ctx -> {
          started.countDown();
          new CountDownLatch(1).await(); // deaf to onStop; only an interrupt ends it
          return List.of();
        }).build();
    Submission s = q.submit(Fixtures.request());
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    q.close();
    assertThat(backend.find(s.id()).orElseThrow().status()).isEqualTo(TaskStatus.PENDING);
    await().atMost(Duration.ofSeconds(5)).until(() -> queueThreads().isEmpty());
    // Released once: the interrupted worker, ending later, recorded nothing more.
    assertThat(backend.find(s.id()).orElseThrow().attempt()).isZero();
  }

  @Test
  void no_thread_outlives_close() throws Exception {
    FfmpegQueue q = Fixtures.fastQueue().workers(4).handler(Fixtures::outputs)
        .listener(e -> { }).build();
    for (int i = 0; i < 20; i++) {
      q.submit(Fixtures.request());
    }
    await().until(() -> q.counts().get(TaskStatus.COMPLETED) == 20L);
    assertThat(queueThreads()).isNotEmpty();
    q.close();
    assertThat(queueThreads()).isEmpty();
  }
}
