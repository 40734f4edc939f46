package io.ffmpegqueue.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ffmpegqueue.AttemptSeries;
import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.QueueStats;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskPage;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskSearch;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.WorkerInfo;
import io.ffmpegqueue.spi.CancelResult;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Handover;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.LeaseLostException;
import io.ffmpegqueue.spi.LeaseState;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.Renewal;
import io.ffmpegqueue.spi.TaskAdmin;
import io.ffmpegqueue.spi.TaskContinuations;
import io.ffmpegqueue.spi.WorkerRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Task management ({@link TaskAdmin}: retry with its history, delete, search with stable keyset pages, stats)
 * and the {@link WorkerRegistry}, for a backend that offers them. Part of {@link QueueBackendContract}.
 */
abstract class TaskAdminCases extends TaskGraphCascadeCases {
  private static final TaskError BROKEN = new TaskError(ErrorKind.FFMPEG, "ffmpeg exited with 1", "Invalid data");

  private TaskAdmin admin(QueueBackend b) {
    return b.admin().orElseThrow(() -> new AssertionError("every backend offers a TaskAdmin"));
  }

  private static Task failedOnce(QueueBackend b) throws InterruptedException {
    b.enqueue(QueueBackendContract.task(0, 1, null));
    Lease l = QueueBackendContract.claimOne(b);
    return b.finish(l, new Outcome.Failed(BROKEN, null));
  }

  private static Task at(Instant createdAt, String tenant, String command, String metaValue) {
    TaskRequest r = QueueBackendContract.task().request().toBuilder().tenant(tenant)
        .command(command + " -i input.mp4 output.mp4").metadata("customer", metaValue).build();
    return Task.pending(TaskId.random(), r, createdAt);
  }

  @Test
  void retrying_a_failed_task_runs_it_again_as_a_new_series_and_keeps_the_old_one() throws Exception {
    QueueBackend b = backend();
    TaskAdmin admin = admin(b);
    Task failed = failedOnce(b);
    assertEquals(TaskStatus.FAILED, failed.status());

    CancelResult r = admin.retry(failed.id()).orElseThrow();
    assertTrue(r.changed());
    Task again = b.find(failed.id()).orElseThrow();
    assertEquals(TaskStatus.PENDING, again.status());
    assertEquals(0, again.attempt());
    assertNull(again.error());
    assertEquals(1L, b.counts().get(TaskStatus.PENDING));
    assertEquals(0L, b.counts().get(TaskStatus.FAILED));
    List<AttemptSeries> history = admin.history(failed.id());
    assertEquals(1, history.size());
    assertEquals(1, history.get(0).attempts());
    assertEquals(TaskStatus.FAILED, history.get(0).status());
    assertEquals(BROKEN, history.get(0).error());

    Lease l = QueueBackendContract.claimOne(b);
    assertEquals(failed.id(), l.taskId());
    assertEquals(1, l.attempt());
    assertEquals(TaskStatus.COMPLETED,
        b.finish(l, new Outcome.Completed(List.of(QueueBackendContract.output(l.taskId())))).status());
  }

  @Test
  void a_lease_from_before_a_retry_by_hand_is_refused_for_every_write_and_leaves_the_new_attempt_alone()
      throws Exception {
    QueueBackend b = backend();
    TaskAdmin admin = admin(b);
    b.enqueue(QueueBackendContract.task(0, 1, null));
    Lease stale = QueueBackendContract.claimOne(b);
    b.finish(stale, new Outcome.Failed(BROKEN, null));
    assertTrue(admin.retry(stale.taskId()).orElseThrow().changed());
    Lease current = QueueBackendContract.claimOne(b);
    assertEquals(stale.taskId(), current.taskId());
    assertEquals(stale.attempt(), current.attempt(), "the new series counts its attempts from 1 again");

    // A worker that still holds the first series' lease (it stalled, the task failed, someone retried it).
    assertEquals(LeaseState.LOST, b.renew(new Renewal(stale, 0.5, QueueBackendContract.LEASE)), "renew");
    List<Outcome> writes = new ArrayList<>(List.of(
        new Outcome.Completed(List.of(QueueBackendContract.output(stale.taskId()))),
        new Outcome.Failed(BROKEN, null), new Outcome.Failed(BROKEN, Instant.now()),
        new Outcome.Cancelled("stale"), new Outcome.Released()));
    if (TaskContinuations.of(b).isPresent()) {
      Task later = Task.pending(TaskId.random(), QueueBackendContract.task().request().toBuilder()
          .runAt(Instant.now().plus(Duration.ofHours(1))).build(), Instant.now()); // never claimed below
      writes.add(new Outcome.Await(List.of(TaskGraphCases.enqueue(b, later))));
    }
    for (Outcome o : writes) {
      assertThrows(LeaseLostException.class, () -> b.finish(stale, o), "finish with " + o);
      if (!(o instanceof Outcome.Await)) { // the handover of an Await is the continuations' own (see there)
        Handover h = b.finishAndClaim(stale, o, QueueBackendContract.claimNow(1));
        assertNull(h.finished(), "finishAndClaim with " + o);
        assertTrue(h.claimed().isEmpty(), "nothing else is ready");
      }
    }

    Task now = b.find(current.taskId()).orElseThrow();
    assertEquals(TaskStatus.RUNNING, now.status());
    assertEquals(current.attempt(), now.attempt());
    assertNull(now.progress(), "the stale renewal's progress is not recorded");
    assertNull(now.error());
    assertEquals(1L, b.counts().get(TaskStatus.RUNNING));
    assertEquals(1, admin.history(current.taskId()).size());
    assertEquals(LeaseState.ACTIVE, b.renew(new Renewal(current, 0.25, QueueBackendContract.LEASE)));
    assertEquals(TaskStatus.COMPLETED,
        b.finish(current, new Outcome.Completed(List.of(QueueBackendContract.output(current.taskId())))).status());
  }

  @Test
  void retrying_or_deleting_a_task_in_the_wrong_state_changes_nothing() throws Exception {
    QueueBackend b = backend();
    TaskAdmin admin = admin(b);
    Task pending = QueueBackendContract.task();
    b.enqueue(pending);
    CancelResult retry = admin.retry(pending.id()).orElseThrow();
    assertFalse(retry.changed());
    assertEquals(TaskStatus.PENDING, retry.task().status());
    CancelResult delete = admin.delete(pending.id()).orElseThrow();
    assertFalse(delete.changed());
    assertTrue(b.find(pending.id()).isPresent());
    assertFalse(admin.retry(TaskId.random()).isPresent());
    assertFalse(admin.delete(TaskId.random()).isPresent());
    assertTrue(admin.history(pending.id()).isEmpty());
  }

  @Test
  void deleting_a_final_task_removes_it_and_its_count() throws Exception {
    QueueBackend b = backend();
    TaskAdmin admin = admin(b);
    Task failed = failedOnce(b);
    assertTrue(admin.delete(failed.id()).orElseThrow().changed());
    assertFalse(b.find(failed.id()).isPresent());
    assertEquals(0L, b.counts().get(TaskStatus.FAILED));
    assertFalse(admin.delete(failed.id()).isPresent());
  }

  @Test
  void a_final_task_that_a_waiting_task_still_needs_is_not_deleted_until_that_one_ends() throws Exception {
    QueueBackend b = graphBackend();
    TaskAdmin admin = admin(b);
    TaskId a = TaskGraphCases.enqueue(b, QueueBackendContract.task());
    TaskId other = TaskGraphCases.enqueue(b, QueueBackendContract.task());
    TaskId child = TaskGraphCases.enqueue(b, TaskGraphCases.child(a, other));
    var leases = TaskGraphCases.claimAll(b);
    TaskGraphCases.complete(b, leases.get(a));
    CancelResult refused = admin.delete(a).orElseThrow();
    assertFalse(refused.changed(), "the child still waits for its other parent and then reads a's outputs");
    assertEquals(TaskStatus.COMPLETED, b.find(a).orElseThrow().status());

    TaskGraphCases.complete(b, leases.get(other));
    TaskGraphCases.complete(b, TaskGraphCases.claimAll(b).get(child));
    assertTrue(admin.delete(a).orElseThrow().changed());
    assertFalse(b.find(a).isPresent());
    assertTrue(b.find(child).isPresent());
  }

  @Test
  void a_task_asked_to_run_later_is_scheduled_and_claimed_only_when_it_is_due() throws Exception {
    QueueBackend b = backend();
    TaskAdmin admin = admin(b);
    Instant hourAhead = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
    Task later = Task.pending(TaskId.random(),
        QueueBackendContract.task().request().toBuilder().runAt(hourAhead).build(), Instant.now());
    assertEquals(hourAhead, later.runAt());
    assertNull(later.request().runAt(), "the run time moves from the request to the task");
    b.enqueue(later);
    assertTrue(b.claim(QueueBackendContract.claimNow(10)).isEmpty(), "not due for an hour");
    Instant soonAt = Instant.now().plusMillis(500);
    Task soon = Task.pending(TaskId.random(),
        QueueBackendContract.task().request().toBuilder().runAt(soonAt).build(), Instant.now());
    b.enqueue(soon);

    assertTrue(ids(admin.search(TaskSearch.builder().scheduled(true).build())).contains(later.id()));
    assertTrue(admin.stats().scheduled() >= 1, "counted as scheduled");
    List<Lease> got = b.claim(new ClaimRequest("worker-a", 10, QueueBackendContract.LEASE, Duration.ofSeconds(30)));
    assertEquals(List.of(soon.id()), got.stream().map(Lease::taskId).toList(), "only the task that is due");
    Task waiting = b.find(later.id()).orElseThrow();
    assertEquals(TaskStatus.PENDING, waiting.status());
    // PostgreSQL carries the delay over to the database's clock: the same time to within the step's latency.
    assertTrue(Duration.between(hourAhead, waiting.runAt()).abs().compareTo(Duration.ofMinutes(1)) < 0,
        "runs at " + waiting.runAt() + ", asked for " + hourAhead);
    assertEquals(List.of(later.id()), ids(admin.search(TaskSearch.builder().scheduled(true).build())));
  }

  @Test
  void search_filters_by_status_tenant_metadata_text_and_creation_time() throws Exception {
    QueueBackend b = backend();
    TaskAdmin admin = admin(b);
    Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
    Task a = at(base, "acme", "-ss 1", "42");
    Task c = at(base.plusSeconds(10), "acme", "-ss 2", "7");
    Task d = at(base.plusSeconds(20), "other", "-vf SCALE=640:-2", "42");
    for (Task t : List.of(a, c, d)) {
      b.enqueue(t);
    }
    assertEquals(List.of(d.id(), c.id(), a.id()), ids(admin.search(TaskSearch.builder().build())));
    assertEquals(List.of(c.id(), a.id()), ids(admin.search(TaskSearch.builder().tenant("acme").build())));
    assertEquals(List.of(d.id(), a.id()), ids(admin.search(TaskSearch.builder().metadata("customer", "42").build())));
    assertEquals(List.of(d.id()), ids(admin.search(TaskSearch.builder().text("scale=640").build())));
    assertEquals(List.of(c.id()), ids(admin.search(
        TaskSearch.builder().created(base.plusSeconds(5), base.plusSeconds(15)).build())));
    assertEquals(List.of(), ids(admin.search(TaskSearch.builder().status(TaskStatus.FAILED).build())));
    assertEquals(List.of(), ids(admin.search(TaskSearch.builder().scheduled(true).build())));
  }

  @Test
  void search_pages_never_skip_or_repeat_a_task_while_tasks_are_added() throws Exception {
    QueueBackend b = backend();
    TaskAdmin admin = admin(b);
    Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(600);
    Set<TaskId> before = new HashSet<>();
    for (int i = 0; i < 45; i++) {
      // Some share a creation time: the id breaks the tie.
      Task t = at(base.plusMillis(i / 3), null, "-ss " + i, "x");
      b.enqueue(t);
      before.add(t.id());
    }
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService ex = Executors.newSingleThreadExecutor();
    try {
      Future<Integer> inserter = ex.submit(() -> {
        int n = 0;
        while (!stop.get() && n < 200) {
          b.enqueue(at(Instant.now(), null, "-ss new", "y"));
          n++;
        }
        return n;
      });
      List<TaskId> seen = new ArrayList<>();
      TaskSearch search = TaskSearch.builder().metadata("customer", "x").limit(10).build();
      TaskPage page = admin.search(search);
      seen.addAll(ids(page));
      while (page.next() != null) {
        b.enqueue(at(Instant.now(), null, "-ss between", "x")); // newer than every cursor
        page = admin.search(search.toBuilder().after(page.next()).build());
        seen.addAll(ids(page));
      }
      stop.set(true);
      inserter.get();
      List<TaskId> original = seen.stream().filter(before::contains).toList();
      assertEquals(before.size(), original.size(), "every task there at the start is seen exactly once");
      assertEquals(before, new HashSet<>(original));
      assertEquals(seen.size(), new HashSet<>(seen).size(), "no task is repeated");
    } finally {
      stop.set(true);
      ex.shutdownNow();
    }
  }

  @Test
  void stats_count_the_tasks_that_ended_in_the_last_minute() throws Exception {
    QueueBackend b = backend();
    TaskAdmin admin = admin(b);
    failedOnce(b);
    b.enqueue(QueueBackendContract.task());
    Lease l = QueueBackendContract.claimOne(b);
    b.finish(l, new Outcome.Completed(List.of(QueueBackendContract.output(l.taskId()))));
    b.enqueue(QueueBackendContract.task());
    QueueStats s = admin.stats();
    assertEquals(1L, s.counts().get(TaskStatus.PENDING));
    assertEquals(1L, s.counts().get(TaskStatus.COMPLETED));
    assertEquals(1L, s.completedPerMinute().stream().mapToLong(Long::longValue).sum());
    assertEquals(1L, s.failedPerMinute().stream().mapToLong(Long::longValue).sum());
    assertTrue(s.completedPerMinute().get(QueueStats.MINUTES - 1) + s.completedPerMinute().get(QueueStats.MINUTES - 2) == 1,
        "counted in the last minutes");
    assertTrue(s.runP50() != null && !s.runP50().isNegative(), "a run time");
    assertTrue(s.waitP95() != null && !s.waitP95().isNegative(), "a queue wait");
  }

  @Test
  void a_worker_that_sends_heartbeats_is_live_until_it_is_removed() {
    QueueBackend b = backend();
    WorkerRegistry reg = b.workerRegistry().orElseThrow(() -> new AssertionError("every backend keeps workers"));
    Instant started = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    reg.heartbeat(WorkerInfo.builder("host-1:42").host("host-1").pid(42).version("0.1.0").workers(4)
        .startedAt(started).tasksRunning(1).build());
    reg.heartbeat(WorkerInfo.builder("host-1:42").host("host-1").pid(42).version("0.1.0").workers(4)
        .startedAt(started).tasksRunning(3).build());
    List<WorkerInfo> live = reg.live(Duration.ofMinutes(1));
    assertEquals(1, live.size());
    WorkerInfo w = live.get(0);
    assertEquals("host-1", w.host());
    assertEquals(42, w.pid());
    assertEquals(4, w.workers());
    assertEquals(3, w.tasksRunning());
    assertEquals(started, w.startedAt());
    assertTrue(w.lastHeartbeat() != null && !w.lastHeartbeat().isBefore(started.minusSeconds(5)));
    reg.remove("host-1:42");
    assertTrue(reg.live(Duration.ofMinutes(1)).isEmpty());
  }

  private static List<TaskId> ids(TaskPage page) {
    return page.tasks().stream().map(Task::id).toList();
  }
}
