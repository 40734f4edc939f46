package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.memory.InMemoryQueueBackend;
import java.net.URI;
import org.junit.jupiter.api.Test;

class SubmissionTest {
  @Test
  void an_input_whose_scheme_has_no_fetcher_is_refused_at_submission() {
    try (FfmpegQueue q = Fixtures.fastQueue().workers(0).build()) {
      TaskRequest r = Fixtures.request().toBuilder().input("extra.mp4", URI.create("gopher://x/y")).build();
      assertThatThrownBy(() -> q.submit(r))
          .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("input_files"))
          .hasMessageContaining("'extra.mp4' uses the URL scheme 'gopher'");
      assertThat(q.queueSize()).isZero();
    }
  }

  @Test
  void a_repeated_idempotency_key_returns_the_first_task() {
    try (FfmpegQueue q = Fixtures.fastQueue().workers(0).build()) {
      TaskRequest r = Fixtures.request().toBuilder().idempotencyKey("k-1").build();
      Submission first = q.submit(r);
      Submission again = q.submit(r);
      assertThat(first.created()).isTrue();
      assertThat(again.created()).isFalse();
      assertThat(again.id()).isEqualTo(first.id());
      assertThat(q.queueSize()).isEqualTo(1);
    }
  }

  @Test
  void a_task_id_chosen_by_the_caller_is_the_tasks_id_and_a_repeat_finds_the_first_task() {
    try (FfmpegQueue q = Fixtures.fastQueue().workers(0).build()) {
      TaskId id = TaskId.of("7d0c3f5e-celery-id");
      TaskRequest r = Fixtures.request().toBuilder().idempotencyKey("k-7").build();
      Submission first = q.submit(id, r);
      Submission again = q.submit(id, r);
      assertThat(first.created()).isTrue();
      assertThat(first.id()).isEqualTo(id);
      assertThat(q.find(id)).isPresent();
      assertThat(again.created()).isFalse();
      assertThat(again.id()).isEqualTo(id);
      assertThat(q.queueSize()).isEqualTo(1);
    }
  }

  @Test
  void a_chosen_task_id_needs_an_idempotency_key_and_must_not_be_another_tasks() {
    try (FfmpegQueue q = Fixtures.fastQueue().workers(0).build()) {
      TaskId id = TaskId.of("taken");
      assertThatThrownBy(() -> q.submit(id, Fixtures.request()))
          .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("idempotency_key"));
      q.submit(id, Fixtures.request().toBuilder().idempotencyKey("a").build());
      assertThatThrownBy(() -> q.submit(id, Fixtures.request().toBuilder().idempotencyKey("b").build()))
          .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("task_id"))
          .hasMessageContaining("'taken' is the id of another task");
      assertThat(q.queueSize()).isEqualTo(1);
    }
  }

  @Test
  void a_full_queue_refuses_with_queue_full_and_a_retry_hint() {
    InMemoryQueueBackend small = InMemoryQueueBackend.builder().capacity(2).build();
    try (FfmpegQueue q = Fixtures.fastQueue().backend(small).workers(0).build()) {
      q.submit(Fixtures.request());
      q.submit(Fixtures.request());
      assertThatThrownBy(() -> q.submit(Fixtures.request()))
          .isInstanceOfSatisfying(TaskRejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(TaskRejectedException.Reason.QUEUE_FULL);
            assertThat(e.retryAfter()).isNotNull();
          })
          .hasMessageContaining("queue is full");
    }
  }

  @Test
  void a_submit_only_client_and_a_queue_with_workers_share_a_backend() throws Exception {
    InMemoryQueueBackend shared = InMemoryQueueBackend.create();
    try (FfmpegQueueClient api = FfmpegQueueClient.builder(shared).fetcher(new Fixtures.NoopFetcher()).build()) {
      Submission s = api.submit(Fixtures.request());
      assertThat(api.queueSize()).isEqualTo(1);
      try (FfmpegQueue workers = Fixtures.fastQueue().backend(shared).handler(Fixtures::outputs).build()) {
        await().until(() -> api.find(s.id()).orElseThrow().status() == TaskStatus.COMPLETED);
        assertThat(workers.find(s.id())).isEqualTo(api.find(s.id()));
        assertThat(api.find(s.id()).orElseThrow().outputUrl()).endsWith("/output.mp4");
      }
    }
  }

  @Test
  void with_no_workers_tasks_wait_pending() throws Exception {
    try (FfmpegQueue q = Fixtures.fastQueue().workers(0).build()) {
      Submission s = q.submit(Fixtures.request());
      assertThat(s.task().status()).isEqualTo(TaskStatus.PENDING);
      assertThat(q.find(s.id()).orElseThrow().status()).isEqualTo(TaskStatus.PENDING);
      assertThat(q.queueSize()).isEqualTo(1);
      assertThat(q.activeWorkers()).isZero();
    }
  }

  @Test
  void the_completion_future_of_a_task_that_already_ended_completes_at_once() {
    WorkerDriver d = WorkerDriver.build(Fixtures.fastQueue().handler(Fixtures::outputs));
    try (FfmpegQueue q = d.queue()) {
      Submission s = q.submit(Fixtures.request());
      assertThat(d.runNext()).contains(s.id());
      assertThat(q.find(s.id()).orElseThrow().status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(s.completion()).isCompleted(); // asked for after the end: complete at once, on this thread
      assertThat(s.completion().join().status()).isEqualTo(TaskStatus.COMPLETED);
    }
  }
}
