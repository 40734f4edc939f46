package io.ffmpegqueue.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spi.CancelResult;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Enqueued;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.LeaseLostException;
import io.ffmpegqueue.spi.LeaseState;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.Renewal;
import io.ffmpegqueue.spi.WebhookOutbox;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The compatibility suite every {@link QueueBackend} passes: ordering (priority, then FIFO), leases and
 * fencing, delayed retry, lease expiry, idempotency, cancel in each state, capacity and retention, tenants (fair
 * turns between tenants, per-tenant running limits at claim), and, for a backend that is
 * also a {@link WebhookOutbox}, exactly one due delivery for every task with a webhook URL that ends by
 * finish, cancel or lease expiry, and task graphs ({@link io.ffmpegqueue.spi.TaskGraphs}: readiness, the failure and
 * cancel cascades, concurrent finishing of the last parents, retention of needed parents).; task management (retry, delete, search, stats) and the worker registry for a
 * backend that offers them. The groups beyond the basic cases are in the classes this one extends. Extend it
 * and make a new, empty backend with the given limits:
 *
 * <pre>{@code
 * class MyBackendTest extends QueueBackendContract {
 *   @Override protected QueueBackend createBackend(Limits limits) {
 *     return MyBackend.builder().capacity(limits.capacity())
 *         .retention(limits.retentionAge(), limits.retentionCount()).build();
 *   }
 * }
 * }</pre>
 *
 * Time-based cases use short real durations (a backend may judge time on its own clock, e.g. a database's).
 */
public abstract class QueueBackendContract extends TaskAdminCases {
  /** The wait for anything that should happen at once. */
  protected static final Duration PROMPTLY = Duration.ofSeconds(10);
  static final Duration LEASE = Duration.ofSeconds(30);

  private final List<QueueBackend> made = new ArrayList<>();

  /**
   * The limits a test needs of its backend.
   *
   * @param capacity the most pending tasks
   * @param retentionAge how long final tasks are kept
   * @param retentionCount how many final tasks are kept
   */
  public record Limits(int capacity, Duration retentionAge, int retentionCount) {
    /** Roomy limits that no test reaches unless it means to. */
    public static Limits defaults() {
      return new Limits(10_000, Duration.ofHours(24), 100_000);
    }
  }

  /** A new backend with no tasks and the given limits. */
  protected abstract QueueBackend createBackend(Limits limits);

  @Override
  QueueBackend backend(Limits limits) {
    QueueBackend b = createBackend(limits);
    made.add(b);
    return b;
  }


  @AfterEach
  void closeBackends() {
    for (QueueBackend b : made) {
      b.close();
    }
    made.clear();
  }

  /** A new pending task of the given priority; {@code maxAttempts} as given. */
  protected static Task task(int priority, int maxAttempts, String idempotencyKey) {
    TaskRequest r = TaskRequest.builder()
        .command("-i input.mp4 output.mp4")
        .input("input.mp4", URI.create("https://example.com/video.mp4"))
        .output("output.mp4")
        .priority(priority)
        .maxAttempts(maxAttempts)
        .timeout(Duration.ofMinutes(5))
        .idempotencyKey(idempotencyKey)
        .build();
    return Task.pending(TaskId.random(), r, Instant.now());
  }

  /** A new pending task of priority 0 with 3 attempts. */
  protected static Task task() {
    return task(0, 3, null);
  }

  static ClaimRequest claimNow(int n) {
    return new ClaimRequest("worker-a", n, LEASE, Duration.ZERO);
  }

  static Lease claimOne(QueueBackend b) throws InterruptedException {
    List<Lease> l = b.claim(new ClaimRequest("worker-a", 1, LEASE, PROMPTLY));
    assertEquals(1, l.size(), "one task claimed");
    return l.get(0);
  }

  static TaskOutput output(TaskId id) {
    return new TaskOutput("output.mp4", URI.create("file:/outputs/" + id + "/output.mp4"), 42, "video/mp4", "sha256:ab", null, null);
  }

  @Test
  void an_enqueued_task_is_found_pending() {
    QueueBackend b = backend();
    Task t = task();
    Enqueued e = b.enqueue(t);
    assertTrue(e.created());
    assertEquals(t, e.task());
    Task found = b.find(t.id()).orElseThrow();
    assertEquals(TaskStatus.PENDING, found.status());
    assertEquals(t.request(), found.request());
    assertEquals(0, found.attempt());
    assertEquals(1L, b.pendingCount());
    assertFalse(b.find(TaskId.random()).isPresent());
  }

  @Test
  void claim_takes_the_highest_priority_first_then_in_submission_order() throws Exception {
    QueueBackend b = backend();
    Task low1 = task(5, 3, null);
    Task high = task(-1, 3, null);
    Task low2 = task(5, 3, null);
    Task mid = task(0, 3, null);
    for (Task t : List.of(low1, high, low2, mid)) {
      b.enqueue(t);
    }
    List<TaskId> order = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      order.add(claimOne(b).taskId());
    }
    assertEquals(List.of(high.id(), mid.id(), low1.id(), low2.id()), order);
  }

  @Test
  void claim_never_takes_more_than_the_free_slots() throws Exception {
    QueueBackend b = backend();
    for (int i = 0; i < 5; i++) {
      b.enqueue(task());
    }
    assertEquals(2, b.claim(claimNow(2)).size());
    assertEquals(3L, b.pendingCount());
    assertEquals(2L, b.counts().get(TaskStatus.RUNNING));
  }

  @Test
  void a_claimed_task_is_running_under_a_lease_with_its_attempt_as_token() throws Exception {
    QueueBackend b = backend();
    Task t = task();
    b.enqueue(t);
    Lease l = claimOne(b);
    assertEquals(t.id(), l.taskId());
    assertEquals(1, l.attempt());
    assertEquals(TaskStatus.RUNNING, l.task().status());
    assertNotNull(l.task().startedAt());
    assertTrue(l.expiresAt().isAfter(Instant.now()), "the lease expires in the future");
    assertEquals(TaskStatus.RUNNING, b.find(t.id()).orElseThrow().status());
    assertEquals(1, b.find(t.id()).orElseThrow().attempt());
  }

  @Test
  void claim_with_no_work_returns_nothing_after_waiting() throws Exception {
    QueueBackend b = backend();
    long start = System.nanoTime();
    assertTrue(b.claim(new ClaimRequest("w", 1, LEASE, Duration.ofMillis(200))).isEmpty());
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(150), "claim waited");
  }

  @Test
  void a_waiting_claim_returns_as_soon_as_a_task_is_enqueued() throws Exception {
    QueueBackend b = backend();
    ExecutorService ex = Executors.newSingleThreadExecutor();
    try {
      Future<List<Lease>> claim = ex.submit(() -> b.claim(new ClaimRequest("w", 1, LEASE, Duration.ofSeconds(30))));
      Task t = task();
      b.enqueue(t);
      List<Lease> leases = claim.get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
      assertEquals(1, leases.size());
      assertEquals(t.id(), leases.get(0).taskId());
    } finally {
      ex.shutdownNow();
    }
  }

  @Test
  void renewing_keeps_the_lease_and_records_progress() throws Exception {
    QueueBackend b = backend();
    b.enqueue(task());
    Lease l = claimOne(b);
    assertEquals(LeaseState.ACTIVE, b.renew(new Renewal(l, 0.25, LEASE)));
    assertEquals(0.25, b.find(l.taskId()).orElseThrow().progress(), 1e-9);
  }

  @Test
  void completing_records_the_outputs_and_ends_the_task() throws Exception {
    QueueBackend b = backend();
    b.enqueue(task());
    Lease l = claimOne(b);
    Task done = b.finish(l, new Outcome.Completed(List.of(output(l.taskId()))));
    assertEquals(TaskStatus.COMPLETED, done.status());
    assertEquals(List.of(output(l.taskId())), done.outputs());
    assertNotNull(done.finishedAt());
    assertEquals(done, b.find(l.taskId()).orElseThrow());
    assertEquals(1L, b.counts().get(TaskStatus.COMPLETED));
    assertEquals(0L, b.counts().get(TaskStatus.RUNNING));
  }

  @Test
  void a_failure_for_good_ends_the_task_failed_with_its_error() throws Exception {
    QueueBackend b = backend();
    b.enqueue(task());
    Lease l = claimOne(b);
    TaskError err = new TaskError(ErrorKind.FFMPEG, "ffmpeg exited with 1", "tail");
    Task failed = b.finish(l, new Outcome.Failed(err, null));
    assertEquals(TaskStatus.FAILED, failed.status());
    assertEquals(err, failed.error());
    assertEquals(failed, b.find(l.taskId()).orElseThrow());
  }

  @Test
  void a_retried_task_waits_until_its_retry_time_then_runs_again_with_the_next_attempt() throws Exception {
    QueueBackend b = backend();
    b.enqueue(task());
    Lease first = claimOne(b);
    Instant retryAt = Instant.now().plusMillis(700);
    Task waiting = b.finish(first, new Outcome.Failed(TaskError.of(ErrorKind.INPUT, "HTTP 503"), retryAt));
    assertEquals(TaskStatus.PENDING, waiting.status());
    assertEquals(ErrorKind.INPUT, waiting.error().kind());
    assertTrue(b.claim(claimNow(1)).isEmpty(), "not before its retry time");
    Lease second = claimOne(b);
    assertFalse(Instant.now().isBefore(retryAt.minusMillis(50)), "claimed at its retry time, not before");
    assertEquals(2, second.attempt());
  }

  @Test
  void a_released_task_is_pending_again_and_ready_at_once() throws Exception {
    QueueBackend b = backend();
    b.enqueue(task());
    Lease l = claimOne(b);
    Task back = b.finish(l, new Outcome.Released());
    assertEquals(TaskStatus.PENDING, back.status());
    assertEquals(1, b.claim(claimNow(1)).size());
  }

  @Test
  void a_hand_back_is_not_counted_so_attempts_never_exceed_the_limit() throws Exception {
    QueueBackend b = backend();
    Task t = task(0, 1, null);
    b.enqueue(t);
    Task back = b.finish(claimOne(b), new Outcome.Released());
    assertEquals(0, back.attempt(), "the hand-back is not an attempt");
    assertEquals(0, b.find(t.id()).orElseThrow().attempt());
    Lease again = claimOne(b);
    assertEquals(1, again.attempt());
    Task done = b.finish(again, new Outcome.Completed(List.of(output(t.id()))));
    assertEquals(1, done.attempt(), "attempts 1 of max_attempts 1");
    assertEquals(1, b.find(t.id()).orElseThrow().attempt());
  }

  @Test
  void an_expired_lease_returns_the_task_to_pending_and_the_old_token_is_refused() throws Exception {
    QueueBackend b = backend();
    Task t = task();
    b.enqueue(t);
    Lease stale = b.claim(new ClaimRequest("worker-dead", 1, Duration.ofMillis(300), PROMPTLY)).get(0);
    List<Task> reaped = Await.value("the lease to expire and be reaped", PROMPTLY, () -> {
      List<Task> r = b.reapExpiredLeases();
      return r.isEmpty() ? null : r;
    });
    assertEquals(1, reaped.size());
    assertEquals(TaskStatus.PENDING, reaped.get(0).status());
    assertEquals(ErrorKind.LEASE_EXPIRED, reaped.get(0).error().kind());
    Lease fresh = claimOne(b);
    assertEquals(2, fresh.attempt());

    assertEquals(LeaseState.LOST, b.renew(new Renewal(stale, 0.5, LEASE)));
    assertThrows(LeaseLostException.class, () -> b.finish(stale, new Outcome.Completed(List.of(output(t.id())))));
    Task done = b.finish(fresh, new Outcome.Completed(List.of(output(t.id()))));
    assertEquals(TaskStatus.COMPLETED, done.status());
    assertThrows(LeaseLostException.class, () -> b.finish(stale, new Outcome.Failed(TaskError.of(ErrorKind.INTERNAL, "late"), null)));
    assertEquals(TaskStatus.COMPLETED, b.find(t.id()).orElseThrow().status(), "the newer attempt's result stands");
  }

  @Test
  void an_expired_lease_with_no_attempts_left_fails_the_task() throws Exception {
    QueueBackend b = backend();
    Task t = task(0, 1, null);
    b.enqueue(t);
    b.claim(new ClaimRequest("worker-dead", 1, Duration.ofMillis(200), PROMPTLY));
    List<Task> reaped = Await.value("the lease to expire and be reaped", PROMPTLY, () -> {
      List<Task> r = b.reapExpiredLeases();
      return r.isEmpty() ? null : r;
    });
    assertEquals(TaskStatus.FAILED, reaped.get(0).status());
    assertEquals(ErrorKind.LEASE_EXPIRED, b.find(t.id()).orElseThrow().error().kind());
  }

  @Test
  void a_renewed_lease_does_not_expire() throws Exception {
    QueueBackend b = backend();
    b.enqueue(task());
    Lease l = b.claim(new ClaimRequest("w", 1, Duration.ofMillis(500), PROMPTLY)).get(0);
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1200);
    while (System.nanoTime() < end) {
      assertEquals(LeaseState.ACTIVE, b.renew(new Renewal(l, null, Duration.ofSeconds(2))));
      assertTrue(b.reapExpiredLeases().isEmpty(), "a renewed lease is not reaped");
    }
    assertEquals(TaskStatus.RUNNING, b.find(l.taskId()).orElseThrow().status());
  }

  @Test
  void a_repeated_idempotency_key_returns_the_first_task_even_after_it_ended() throws Exception {
    QueueBackend b = backend();
    Task first = task(0, 3, "upload-42");
    assertTrue(b.enqueue(first).created());
    Enqueued again = b.enqueue(task(0, 3, "upload-42"));
    assertFalse(again.created());
    assertEquals(first.id(), again.task().id());
    assertEquals(1L, b.pendingCount());
    Lease l = claimOne(b);
    b.finish(l, new Outcome.Completed(List.of(output(l.taskId()))));
    Enqueued later = b.enqueue(task(0, 3, "upload-42"));
    assertFalse(later.created());
    assertEquals(TaskStatus.COMPLETED, later.task().status());
  }

  @Test
  void cancelling_a_pending_task_ends_it_and_it_never_runs() throws Exception {
    QueueBackend b = backend();
    Task t = task();
    b.enqueue(t);
    CancelResult r = b.cancel(t.id()).orElseThrow();
    assertTrue(r.changed());
    assertEquals(TaskStatus.CANCELLED, r.task().status());
    assertEquals(0L, b.pendingCount());
    assertTrue(b.claim(claimNow(1)).isEmpty(), "a cancelled task is never claimed");
  }

  @Test
  void cancelling_a_running_task_is_seen_on_renew_and_ends_it_cancelled() throws Exception {
    QueueBackend b = backend();
    b.enqueue(task());
    Lease l = claimOne(b);
    CancelResult r = b.cancel(l.taskId()).orElseThrow();
    assertTrue(r.changed());
    assertEquals(TaskStatus.RUNNING, r.task().status());
    assertFalse(b.cancel(l.taskId()).orElseThrow().changed(), "a second cancel changes nothing");
    assertEquals(LeaseState.CANCEL_REQUESTED, b.renew(new Renewal(l, null, LEASE)));
    Task t = b.finish(l, new Outcome.Cancelled("cancelled while running"));
    assertEquals(TaskStatus.CANCELLED, t.status());
  }

  @Test
  void cancelling_a_final_task_changes_nothing_and_an_unknown_one_is_empty() throws Exception {
    QueueBackend b = backend();
    b.enqueue(task());
    Lease l = claimOne(b);
    b.finish(l, new Outcome.Completed(List.of(output(l.taskId()))));
    CancelResult r = b.cancel(l.taskId()).orElseThrow();
    assertFalse(r.changed());
    assertEquals(TaskStatus.COMPLETED, r.task().status());
    assertFalse(b.cancel(TaskId.random()).isPresent());
  }

  /** A new pending task of priority 0 with 3 attempts, of {@code tenant} ({@code null}: none). */
  protected static Task tenantTask(String tenant, int priority) {
    TaskRequest r = task(priority, 3, null).request().toBuilder().tenant(tenant).build();
    return Task.pending(TaskId.random(), r, Instant.now());
  }

  static final URI HOOK = URI.create("https://hooks.example.com/ffq");

  /** A new pending task of priority 0 with {@code maxAttempts} and the webhook URL {@code url} ({@code null}: none). */
  protected static Task webhookTask(int maxAttempts, URI url) {
    TaskRequest r = task(0, maxAttempts, null).request().toBuilder().webhookUrl(url).build();
    return Task.pending(TaskId.random(), r, Instant.now());
  }
}
