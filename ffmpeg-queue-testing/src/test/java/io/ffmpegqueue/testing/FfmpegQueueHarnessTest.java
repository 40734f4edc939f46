package io.ffmpegqueue.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.RetryPolicy;
import io.ffmpegqueue.Submission;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.memory.InMemoryQueueBackend;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FfmpegQueueHarnessTest {
  private FfmpegQueueHarness harness;

  @AfterEach
  void close() {
    if (harness != null) {
      harness.close();
    }
  }

  private FfmpegQueueHarness harness(FfmpegQueueHarness.Builder b) {
    harness = b.build();
    return harness;
  }

  static TaskRequest request() {
    return TaskRequest.builder()
        .command("-i input.mp4 -vf scale=640:-2 output.mp4")
        .input("input.mp4", URI.create("https://cdn.example.com/cat.mp4"))
        .output("output.mp4")
        .build();
  }

  private static RetryPolicy fixedBackoff(Duration d, int attempts) {
    return RetryPolicy.builder().initialBackoff(d).maxBackoff(d).jitter(0).maxAttempts(attempts).build();
  }

  private static List<String> queueThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith("ffq-")).toList();
  }

  @Test
  void a_submitted_task_waits_until_the_test_runs_it_on_its_own_thread() {
    FfmpegQueueHarness q = harness(FfmpegQueueHarness.builder());
    Submission s = q.submit(request());
    assertThat(q.find(s.id()).orElseThrow().status()).isEqualTo(TaskStatus.PENDING);
    assertThat(q.runner().runCount()).isZero();
    assertThat(queueThreads()).noneMatch(n -> n.startsWith("ffq-worker") || n.startsWith("ffq-dispatcher")
        || n.startsWith("ffq-supervisor"));

    Task done = q.runNext().orElseThrow();

    assertThat(done.id()).isEqualTo(s.id());
    assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(done.outputs()).singleElement().satisfies(o -> {
      assertThat(o.uri()).isEqualTo(URI.create("mem://outputs/" + s.id() + "/output.mp4"));
      assertThat(q.storage().bytes(o.uri())).isEqualTo(FakeOutcome.defaultContent("output.mp4"));
    });
    assertThat(q.runner().takeCommand().arguments()).containsExactly("-i", "input.mp4", "-vf", "scale=640:-2", "output.mp4");
    // Delivered before runNext returned: no waiting needed.
    assertThat(q.listener().typesOf(s.id())).containsExactly(TaskEvent.Type.SUBMITTED, TaskEvent.Type.STARTED,
        TaskEvent.Type.COMPLETED);
    assertThat(q.runNext()).isEmpty();
  }

  @Test
  void run_until_idle_runs_every_ready_task_by_priority_then_submission_order() {
    FfmpegQueueHarness q = harness(FfmpegQueueHarness.builder());
    Submission low = q.submit(request().toBuilder().priority(5).build());
    Submission first = q.submit(request());
    Submission second = q.submit(request());
    Submission urgent = q.submit(request().toBuilder().priority(-1).build());
    assertThat(q.runUntilIdle()).isEqualTo(4);
    assertThat(q.listener().events().stream().filter(e -> e.type() == TaskEvent.Type.STARTED).map(TaskEvent::taskId))
        .containsExactly(urgent.id(), first.id(), second.id(), low.id());
    assertThat(q.counts().get(TaskStatus.COMPLETED)).isEqualTo(4);
    assertThat(q.runUntilIdle()).isZero();
  }

  @Test
  void a_completion_future_is_done_when_run_next_returns() throws Exception {
    FfmpegQueueHarness q = harness(FfmpegQueueHarness.builder());
    CompletableFuture<Task> completion = q.submit(request()).completion();
    assertThat(completion).isNotDone();
    q.runNext();
    assertThat(completion).isDone();
    assertThat(completion.get().status()).isEqualTo(TaskStatus.COMPLETED);
  }

  @Test
  void a_retry_waits_for_its_backoff_on_the_manual_clock() {
    FfmpegQueueHarness q = harness(FfmpegQueueHarness.builder()
        .queueOptions(o -> o.retryPolicy(fixedBackoff(Duration.ofSeconds(10), 3))));
    q.fetcher().failNext("https://cdn.example.com/cat.mp4", "HTTP 503", true);
    Submission s = q.submit(request());

    Task waiting = q.runNext().orElseThrow();
    assertThat(waiting.status()).isEqualTo(TaskStatus.PENDING);
    assertThat(waiting.error().kind()).isEqualTo(ErrorKind.INPUT);
    assertThat(waiting.runAt()).isEqualTo(q.clock().instant().plusSeconds(10));
    assertThat(q.runner().runCount()).isZero();

    q.advance(Duration.ofSeconds(9));
    assertThat(q.runUntilIdle()).as("not before its retry time").isZero();
    q.advance(Duration.ofSeconds(1));
    assertThat(q.runUntilIdle()).isEqualTo(1);

    Task done = q.find(s.id()).orElseThrow();
    assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(done.attempt()).isEqualTo(2);
    assertThat(q.listener().typesOf(s.id())).containsExactly(TaskEvent.Type.SUBMITTED, TaskEvent.Type.STARTED,
        TaskEvent.Type.RETRY_SCHEDULED, TaskEvent.Type.STARTED, TaskEvent.Type.COMPLETED);
  }

  @Test
  void run_until_idle_gives_up_on_tasks_that_keep_being_ready() {
    FfmpegQueueHarness q = harness(FfmpegQueueHarness.builder().maxRuns(5)
        .queueOptions(o -> o.retryPolicy(fixedBackoff(Duration.ZERO, 10))));
    q.runner().defaultOutcome(FakeOutcome.fail(new io.ffmpegqueue.TaskFailureException(ErrorKind.STORAGE, "flaky", true)));
    q.submit(request());
    assertThatThrownBy(q::runUntilIdle).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ran 5 attempts and tasks are still ready");
    assertThat(q.runner().runCount()).isEqualTo(5);
  }

  @Test
  void run_until_idle_may_end_exactly_at_its_limit() {
    FfmpegQueueHarness q = harness(FfmpegQueueHarness.builder().maxRuns(2));
    q.submit(request());
    q.submit(request());
    assertThat(q.runUntilIdle()).isEqualTo(2);
  }

  @Test
  void a_hanging_task_is_stopped_when_the_clock_passes_its_timeout() {
    FfmpegQueueHarness q = harness(FfmpegQueueHarness.builder());
    q.runner().enqueue(FakeOutcome.hang());
    Submission s = q.submit(request().toBuilder().timeout(Duration.ofMinutes(1)).build());

    FfmpegQueueHarness.BackgroundRun run = q.runNextInBackground();
    q.runner().takeJob();
    q.advance(Duration.ofSeconds(59));
    assertThat(q.find(s.id()).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
    q.advance(Duration.ofSeconds(1));

    Task t = run.await().orElseThrow();
    assertThat(t.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(t.error().kind()).isEqualTo(ErrorKind.TIMEOUT);
    assertThat(t.errorMessage()).contains("timeout of 1 min");
    assertThat(q.listener().typesOf(s.id())).endsWith(TaskEvent.Type.FAILED);
  }

  @Test
  void one_jump_far_past_both_the_timeout_and_the_lease_still_ends_in_a_timeout_not_a_lost_lease() {
    FfmpegQueueHarness q = harness(FfmpegQueueHarness.builder());
    q.runner().enqueue(FakeOutcome.hang());
    Submission s = q.submit(request().toBuilder().timeout(Duration.ofMinutes(5)).build());
    FfmpegQueueHarness.BackgroundRun run = q.runNextInBackground();
    q.runner().takeJob();
    q.advance(Duration.ofHours(2));
    Task t = run.await().orElseThrow();
    assertThat(t.error().kind()).isEqualTo(ErrorKind.TIMEOUT);
    assertThat(t.attempt()).isEqualTo(1);
    assertThat(q.listener().typesOf(s.id())).doesNotContain(TaskEvent.Type.RETRY_SCHEDULED);
  }

  @Test
  void a_tick_renews_a_long_running_tasks_lease_so_it_is_not_reaped() {
    FfmpegQueueHarness q = harness(FfmpegQueueHarness.builder());
    q.runner().enqueue(FakeOutcome.hang());
    Submission s = q.submit(request());
    FfmpegQueueHarness.BackgroundRun run = q.runNextInBackground();
    q.runner().takeJob();
    for (int i = 0; i < 5; i++) {
      q.advance(Duration.ofSeconds(50)); // past the 60 s lease in all, renewed at each tick
    }
    assertThat(q.find(s.id()).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(q.find(s.id()).orElseThrow().attempt()).isEqualTo(1);
    q.cancel(s.id());
    assertThat(run.await().orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
  }

  @Test
  void cancelling_a_hanging_task_stops_its_ffmpeg_and_ends_it_cancelled() {
    FfmpegQueueHarness q = harness(FfmpegQueueHarness.builder());
    q.runner().enqueue(FakeOutcome.hang().withProgress(0.3));
    Submission s = q.submit(request());
    FfmpegQueueHarness.BackgroundRun run = q.runNextInBackground();
    q.runner().takeJob();
    assertThat(q.cancel(s.id()).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
    Task t = run.await().orElseThrow();
    assertThat(t.status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(t.error().kind()).isEqualTo(ErrorKind.CANCELLED);
    // PROGRESS may be among them: the queue rate-limits progress events.
    assertThat(q.listener().typesOf(s.id())).containsSubsequence(TaskEvent.Type.SUBMITTED, TaskEvent.Type.STARTED,
        TaskEvent.Type.CANCELLED).endsWith(TaskEvent.Type.CANCELLED);
  }

  @Test
  void final_tasks_are_pruned_when_the_clock_passes_their_retention() {
    FfmpegQueueHarness q = harness(FfmpegQueueHarness.builder());
    Submission s = q.submit(request());
    q.runUntilIdle();
    q.advance(InMemoryQueueBackend.DEFAULT_RETENTION_AGE.minusMinutes(1));
    assertThat(q.find(s.id())).isPresent();
    q.advance(Duration.ofMinutes(2));
    assertThat(q.find(s.id())).isEmpty();
  }

  @Test
  void closing_stops_a_task_still_running_in_the_background_and_puts_it_back() {
    ManualClock clock = new ManualClock();
    InMemoryQueueBackend backend = InMemoryQueueBackend.builder().clock(clock).build();
    FfmpegQueueHarness q = FfmpegQueueHarness.builder().clock(clock).queueOptions(o -> o.backend(backend)).build();
    q.runner().enqueue(FakeOutcome.hang());
    Submission s = q.submit(request());
    FfmpegQueueHarness.BackgroundRun run = q.runNextInBackground();
    q.runner().takeJob();
    q.close();
    assertThat(run.isDone()).isTrue();
    assertThat(backend.find(s.id()).orElseThrow().status()).isEqualTo(TaskStatus.PENDING);
    // Thread pools shut down without waiting may take a moment to end their idle threads.
    await().atMost(Duration.ofSeconds(10)).until(() -> queueThreads().isEmpty());
    assertThatThrownBy(() -> q.submit(request())).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    q.close(); // twice is harmless
  }

  @Test
  void with_worker_threads_tasks_run_by_themselves_and_hand_driving_is_refused() throws Exception {
    FfmpegQueueHarness q = harness(FfmpegQueueHarness.builder().workerThreads(2));
    Submission a = q.submit(request());
    Submission b = q.submit(request());
    assertThat(a.completion().get(10, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(b.completion().get(10, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(q.listener().await(b.id(), TaskEvent.Type.COMPLETED).task().outputs()).hasSize(1);
    assertThatThrownBy(q::runNext).isInstanceOf(IllegalStateException.class).hasMessageContaining("worker threads");
    assertThatThrownBy(q::tick).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void a_background_run_with_nothing_ready_ends_empty() {
    FfmpegQueueHarness q = harness(FfmpegQueueHarness.builder());
    assertThat(q.runNextInBackground().await()).isEqualTo(Optional.empty());
  }
}
