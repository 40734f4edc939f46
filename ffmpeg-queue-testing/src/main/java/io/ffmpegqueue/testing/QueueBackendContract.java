package io.ffmpegqueue.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskRejectedException;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.TenantLimits;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.spi.DueWebhook;
import io.ffmpegqueue.spi.CancelResult;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Enqueued;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.LeaseLostException;
import io.ffmpegqueue.spi.LeaseState;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.Renewal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The compatibility suite every {@link QueueBackend} passes: ordering (priority, then FIFO), leases and
 * fencing, delayed retry, lease expiry, idempotency, cancel in each state, capacity and retention, tenants (fair
 * turns between tenants, per-tenant running limits at claim), and, for a backend that
 * {@link QueueBackend#storesWebhooksAtEnd() stores webhook deliveries at the end} of a task, exactly one due
 * delivery for every task with a webhook URL that ends by finish, cancel or lease expiry. Extend it
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
public abstract class QueueBackendContract {
  /** The wait for anything that should happen at once. */
  protected static final Duration PROMPTLY = Duration.ofSeconds(10);
  private static final Duration LEASE = Duration.ofSeconds(30);

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

  private QueueBackend backend(Limits limits) {
    QueueBackend b = createBackend(limits);
    made.add(b);
    return b;
  }

  private QueueBackend backend() {
    return backend(Limits.defaults());
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

  private static ClaimRequest claimNow(int n) {
    return new ClaimRequest("worker-a", n, LEASE, Duration.ZERO);
  }

  private static Lease claimOne(QueueBackend b) throws InterruptedException {
    List<Lease> l = b.claim(new ClaimRequest("worker-a", 1, LEASE, PROMPTLY));
    assertEquals(1, l.size(), "one task claimed");
    return l.get(0);
  }

  private static TaskOutput output(TaskId id) {
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

  @Test
  void past_its_capacity_the_backend_refuses_new_tasks_as_queue_full() throws Exception {
    QueueBackend b = backend(new Limits(3, Duration.ofHours(1), 100));
    for (int i = 0; i < 3; i++) {
      b.enqueue(task());
    }
    TaskRejectedException e = assertThrows(TaskRejectedException.class, () -> b.enqueue(task()));
    assertEquals(TaskRejectedException.Reason.QUEUE_FULL, e.reason());
    assertEquals(3L, b.pendingCount());
    claimOne(b);
    b.enqueue(task()); // a claimed task frees its place
  }

  @Test
  void final_tasks_past_the_retention_count_are_pruned_oldest_first() throws Exception {
    QueueBackend b = backend(new Limits(100, Duration.ofHours(1), 2));
    List<TaskId> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Task t = task();
      ids.add(t.id());
      b.enqueue(t);
      Lease l = claimOne(b);
      b.finish(l, new Outcome.Completed(List.of(output(l.taskId()))));
    }
    b.prune();
    assertFalse(b.find(ids.get(0)).isPresent());
    assertFalse(b.find(ids.get(1)).isPresent());
    assertTrue(b.find(ids.get(2)).isPresent());
    assertTrue(b.find(ids.get(3)).isPresent());
    assertEquals(2L, b.counts().get(TaskStatus.COMPLETED));
  }

  @Test
  void final_tasks_past_the_retention_age_are_pruned_but_pending_ones_stay() throws Exception {
    QueueBackend b = backend(new Limits(100, Duration.ofMillis(300), 100));
    Task done = task();
    b.enqueue(done);
    Lease l = claimOne(b);
    b.finish(l, new Outcome.Completed(List.of(output(l.taskId()))));
    Task waiting = task();
    b.enqueue(waiting);
    Await.until("the final task to be pruned", PROMPTLY, () -> {
      b.prune();
      return b.find(done.id()).isEmpty();
    });
    assertTrue(b.find(waiting.id()).isPresent(), "pending tasks are never pruned");
  }

  @Test
  void counts_and_lists_follow_the_statuses() throws Exception {
    QueueBackend b = backend();
    List<TaskId> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Task t = task();
      ids.add(t.id());
      b.enqueue(t);
    }
    Lease running = claimOne(b);
    Lease done = claimOne(b);
    b.finish(done, new Outcome.Completed(List.of(output(done.taskId()))));
    Map<TaskStatus, Long> counts = b.counts();
    assertEquals(2L, counts.get(TaskStatus.PENDING));
    assertEquals(1L, counts.get(TaskStatus.RUNNING));
    assertEquals(1L, counts.get(TaskStatus.COMPLETED));
    assertEquals(0L, counts.get(TaskStatus.FAILED));
    assertEquals(0L, counts.get(TaskStatus.CANCELLED));
    assertEquals(List.of(ids.get(2), ids.get(3)),
        b.list(TaskQuery.of(TaskStatus.PENDING, 10)).stream().map(Task::id).toList(), "pending in run order");
    assertEquals(List.of(running.taskId()), b.list(TaskQuery.of(TaskStatus.RUNNING, 10)).stream().map(Task::id).toList());
    assertEquals(4, b.list(TaskQuery.of(null, 10)).size());
    assertEquals(1, b.list(new TaskQuery(TaskStatus.PENDING, 1, 1)).size(), "paged");
    assertEquals(ids.get(3), b.list(new TaskQuery(TaskStatus.PENDING, 1, 1)).get(0).id());
  }

  @Test
  void concurrent_claims_never_hand_out_a_task_twice() throws Exception {
    QueueBackend b = backend();
    int tasks = 300;
    for (int i = 0; i < tasks; i++) {
      b.enqueue(task());
    }
    ExecutorService ex = Executors.newFixedThreadPool(4);
    Set<TaskId> seen = Collections.synchronizedSet(new HashSet<>());
    List<TaskId> all = Collections.synchronizedList(new ArrayList<>());
    try {
      List<CompletableFuture<Void>> workers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        String worker = "worker-" + w;
        workers.add(CompletableFuture.runAsync(() -> {
          try {
            for (int round = 0; round < tasks; round++) {
              List<Lease> got = b.claim(new ClaimRequest(worker, 3, LEASE, Duration.ZERO));
              if (got.isEmpty()) {
                return;
              }
              for (Lease l : got) {
                all.add(l.taskId());
                seen.add(l.taskId());
                b.finish(l, new Outcome.Completed(List.of()));
              }
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, ex));
      }
      CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } finally {
      ex.shutdownNow();
    }
    assertEquals(tasks, all.size(), "every task claimed once");
    assertEquals(tasks, seen.size(), "no task claimed twice");
    assertEquals((long) tasks, b.counts().get(TaskStatus.COMPLETED));
    assertNull(b.list(TaskQuery.of(TaskStatus.PENDING, 1)).stream().findFirst().orElse(null));
  }

  // ---- tenants ----

  /** A new pending task of priority 0 with 3 attempts, of {@code tenant} ({@code null}: none). */
  protected static Task tenantTask(String tenant, int priority) {
    TaskRequest r = task(priority, 3, null).request().toBuilder().tenant(tenant).build();
    return Task.pending(TaskId.random(), r, Instant.now());
  }

  private static List<String> tenantsOf(List<Lease> leases) {
    return leases.stream().map(l -> String.valueOf(l.task().request().tenant())).toList();
  }

  private static List<Lease> claimEach(QueueBackend b, int n, TenantLimits limits) throws InterruptedException {
    List<Lease> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.addAll(b.claim(new ClaimRequest("worker-a", 1, LEASE, Duration.ZERO, limits)));
    }
    return all;
  }

  @Test
  void a_tenant_that_floods_the_queue_takes_turns_with_one_that_arrives_later() throws InterruptedException {
    QueueBackend b = backend();
    for (int i = 0; i < 6; i++) {
      b.enqueue(tenantTask("flood", 0));
    }
    List<Lease> first = claimEach(b, 1, TenantLimits.none());
    for (int i = 0; i < 2; i++) {
      b.enqueue(tenantTask("small", 0));
    }
    List<Lease> rest = claimEach(b, 7, TenantLimits.none());
    assertEquals(List.of("flood"), tenantsOf(first));
    // The newcomer has never been served, so it goes first; then the two take turns; then the flood alone.
    assertEquals(List.of("small", "flood", "small", "flood", "flood", "flood", "flood"), tenantsOf(rest));
    for (Lease l : rest) {
      assertEquals(TaskStatus.RUNNING, b.find(l.taskId()).orElseThrow().status());
    }
  }

  @Test
  void one_claim_of_many_tasks_interleaves_tenants_in_submission_order_within_each() throws InterruptedException {
    QueueBackend b = backend();
    List<TaskId> a = new ArrayList<>();
    List<TaskId> c = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      a.add(b.enqueue(tenantTask("a", 0)).task().id());
    }
    for (int i = 0; i < 2; i++) {
      c.add(b.enqueue(tenantTask("c", 0)).task().id());
    }
    List<Lease> got = b.claim(new ClaimRequest("worker-a", 4, LEASE, Duration.ZERO));
    assertEquals(4, got.size());
    Set<TaskId> ids = new HashSet<>();
    got.forEach(l -> ids.add(l.taskId()));
    assertEquals(Set.of(a.get(0), a.get(1), c.get(0), c.get(1)), ids, "two of each tenant, the oldest ones");
  }

  @Test
  void priority_comes_before_the_turns_of_tenants_and_tasks_without_a_tenant_are_one_tenant()
      throws InterruptedException {
    QueueBackend b = backend();
    b.enqueue(tenantTask(null, 0));
    b.enqueue(tenantTask(null, 0));
    b.enqueue(tenantTask("x", 5));
    b.enqueue(tenantTask("y", -1));
    b.enqueue(tenantTask("x", 0));
    List<Lease> got = claimEach(b, 5, TenantLimits.none());
    // y is most urgent; at priority 0 the unnamed tenant and x take turns (never served: by name, "" first);
    // x's priority-5 task comes last.
    assertEquals(List.of("y", "null", "x", "null", "x"), tenantsOf(got));
    assertEquals(5, got.get(4).task().request().priority());
  }

  @Test
  void a_claim_gives_no_tenant_more_running_tasks_than_its_limit() throws InterruptedException {
    QueueBackend b = backend();
    for (int i = 0; i < 5; i++) {
      b.enqueue(tenantTask("a", 0));
      b.enqueue(tenantTask("b", 0));
      b.enqueue(tenantTask("c", 0));
    }
    TenantLimits limits = TenantLimits.builder().maxRunning(2).maxRunning("b", 1).maxRunning("c", 0).build();
    List<Lease> got = b.claim(new ClaimRequest("worker-a", 10, LEASE, Duration.ZERO, limits));
    assertEquals(List.of("a", "a", "b", "c", "c", "c", "c", "c"),
        tenantsOf(got).stream().sorted().toList(), "a: 2, b: 1, c unlimited");
    assertTrue(b.claim(new ClaimRequest("worker-a", 10, LEASE, Duration.ZERO, limits)).stream()
        .allMatch(l -> "c".equals(l.task().request().tenant())), "a and b are at their limits");

    Lease anA = got.stream().filter(l -> "a".equals(l.task().request().tenant())).findFirst().orElseThrow();
    b.finish(anA, new Outcome.Completed(List.of()));
    List<Lease> after = b.claim(new ClaimRequest("worker-a", 10, LEASE, Duration.ZERO, limits));
    assertEquals(List.of("a"), tenantsOf(after), "a finished one, so one more of a may run");
    assertTrue(b.claim(new ClaimRequest("worker-a", 10, LEASE, Duration.ZERO, limits)).isEmpty());
  }

  @Test
  void a_waiting_claim_takes_a_tenants_task_as_soon_as_one_of_its_running_tasks_ends() throws Exception {
    QueueBackend b = backend();
    b.enqueue(tenantTask("a", 0));
    b.enqueue(tenantTask("a", 0));
    TenantLimits limits = TenantLimits.builder().maxRunning(1).build();
    Lease first = b.claim(new ClaimRequest("worker-a", 1, LEASE, Duration.ZERO, limits)).get(0);
    ExecutorService ex = Executors.newSingleThreadExecutor();
    try {
      Future<List<Lease>> waiting = ex.submit(() -> b.claim(new ClaimRequest("worker-b", 1, LEASE, PROMPTLY, limits)));
      b.finish(first, new Outcome.Completed(List.of()));
      List<Lease> got = waiting.get(PROMPTLY.toSeconds() + 5, TimeUnit.SECONDS);
      assertEquals(1, got.size(), "the second task was claimed once the first ended");
      assertEquals(TaskStatus.COMPLETED, b.find(first.taskId()).orElseThrow().status());
    } finally {
      ex.shutdownNow();
    }
  }

  // ---- webhooks ----

  private static final URI HOOK = URI.create("https://hooks.example.com/ffq");

  /** A new pending task of priority 0 with {@code maxAttempts} and the webhook URL {@code url} ({@code null}: none). */
  protected static Task webhookTask(int maxAttempts, URI url) {
    TaskRequest r = task(0, maxAttempts, null).request().toBuilder().webhookUrl(url).build();
    return Task.pending(TaskId.random(), r, Instant.now());
  }

  private QueueBackend webhookBackend(Limits limits) {
    QueueBackend b = backend(limits);
    Assumptions.assumeTrue(b.storesWebhooksAtEnd(), "the backend stores no webhook deliveries at the end of a task");
    return b;
  }

  /** The task's delivery is there, new and due now. */
  private static void assertNewDelivery(QueueBackend b, TaskId id) {
    WebhookDelivery d = b.findWebhook(id).orElseThrow(() -> new AssertionError("task " + id + " has no delivery"));
    assertEquals(WebhookDelivery.deliveryIdOf(id), d.deliveryId(), "the delivery id derives from the task id");
    assertEquals(HOOK, d.url());
    assertEquals(WebhookDelivery.State.PENDING, d.state());
    assertTrue(d.attempts().isEmpty(), "no attempt yet");
    assertNotNull(d.nextAttemptAt());
    assertFalse(d.nextAttemptAt().isAfter(Instant.now()), "due at once");
    assertFalse(b.addWebhook(id, WebhookDelivery.first(id, HOOK, Instant.now())), "one delivery per task");
  }

  /** The tasks of the deliveries due now, each once, held for a minute. */
  private static List<TaskId> claimDueWebhooks(QueueBackend b) {
    return b.claimDueWebhooks(Instant.now(), Duration.ofMinutes(1), 100).stream().map(DueWebhook::taskId).toList();
  }

  @Test
  void a_task_with_a_webhook_that_a_worker_ends_leaves_exactly_one_due_delivery() throws Exception {
    QueueBackend b = webhookBackend(Limits.defaults());
    b.enqueue(webhookTask(3, null));
    Lease plain = claimOne(b);
    b.finish(plain, new Outcome.Completed(List.of()));
    List<TaskId> ended = new ArrayList<>();
    List<TaskId> notEnded = new ArrayList<>();
    for (Outcome o : List.of(new Outcome.Completed(List.of()),
        new Outcome.Failed(TaskError.of(ErrorKind.FFMPEG, "ffmpeg exited with 1"), null),
        new Outcome.Cancelled("cancelled while running"),
        new Outcome.Failed(TaskError.of(ErrorKind.INPUT, "HTTP 503"), Instant.now().plusSeconds(60)),
        new Outcome.Released())) {
      b.enqueue(webhookTask(3, HOOK));
      Lease l = claimOne(b);
      Task after = b.finish(l, o);
      (after.status().isFinal() ? ended : notEnded).add(l.taskId()); // the released one comes last
    }

    assertEquals(3, ended.size());
    for (TaskId id : ended) {
      assertNewDelivery(b, id);
    }
    for (TaskId id : notEnded) {
      assertFalse(b.findWebhook(id).isPresent(), "a task that goes on has no delivery");
    }
    assertFalse(b.findWebhook(plain.taskId()).isPresent(), "a task without a webhook URL has no delivery");
    List<TaskId> due = claimDueWebhooks(b);
    assertEquals(Set.copyOf(ended), Set.copyOf(due));
    assertEquals(ended.size(), due.size(), "each delivery once");
    assertTrue(claimDueWebhooks(b).isEmpty(), "claimed deliveries are held");
  }

  @Test
  void cancelling_a_pending_task_with_a_webhook_leaves_exactly_one_due_delivery() throws Exception {
    QueueBackend b = webhookBackend(Limits.defaults());
    b.enqueue(webhookTask(3, HOOK));
    Lease running = claimOne(b);
    Task t = webhookTask(3, HOOK);
    b.enqueue(t);
    assertTrue(b.cancel(t.id()).orElseThrow().changed());
    assertTrue(b.cancel(running.taskId()).orElseThrow().changed());
    assertFalse(b.cancel(t.id()).orElseThrow().changed());

    assertNewDelivery(b, t.id());
    assertFalse(b.findWebhook(running.taskId()).isPresent(), "a running task whose cancel is requested goes on");
    assertEquals(List.of(t.id()), claimDueWebhooks(b));
  }

  @Test
  void a_task_with_a_webhook_whose_lease_expires_for_good_leaves_exactly_one_due_delivery() throws Exception {
    QueueBackend b = webhookBackend(Limits.defaults());
    Task last = webhookTask(1, HOOK);
    Task retried = webhookTask(3, HOOK);
    b.enqueue(last);
    b.enqueue(retried);
    assertEquals(2, b.claim(new ClaimRequest("worker-dead", 2, Duration.ofMillis(200), PROMPTLY)).size());
    List<Task> reaped = new ArrayList<>();
    Await.until("both leases to expire and be reaped", PROMPTLY, () -> {
      reaped.addAll(b.reapExpiredLeases());
      return reaped.size() == 2;
    });
    assertEquals(TaskStatus.FAILED, b.find(last.id()).orElseThrow().status());
    assertEquals(TaskStatus.PENDING, b.find(retried.id()).orElseThrow().status());

    assertNewDelivery(b, last.id());
    assertFalse(b.findWebhook(retried.id()).isPresent(), "a task that will run again has no delivery");
    assertEquals(List.of(last.id()), claimDueWebhooks(b));
  }

  @Test
  void retention_removes_a_tasks_delivery_with_the_task() throws Exception {
    QueueBackend b = webhookBackend(new Limits(100, Duration.ofHours(1), 1));
    List<TaskId> ids = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Task t = webhookTask(3, HOOK);
      ids.add(t.id());
      b.enqueue(t);
      b.finish(claimOne(b), new Outcome.Completed(List.of()));
    }
    b.prune();
    assertFalse(b.find(ids.get(0)).isPresent(), "the older task is pruned");
    assertFalse(b.findWebhook(ids.get(0)).isPresent(), "and its delivery with it");
    b.updateWebhook(ids.get(0), WebhookDelivery.first(ids.get(0), HOOK, Instant.now()));
    assertFalse(b.findWebhook(ids.get(0)).isPresent(), "a late attempt's record brings back no delivery");
    assertTrue(b.findWebhook(ids.get(1)).isPresent(), "the kept task keeps its delivery");
    assertEquals(List.of(ids.get(1)), claimDueWebhooks(b));
  }
}
