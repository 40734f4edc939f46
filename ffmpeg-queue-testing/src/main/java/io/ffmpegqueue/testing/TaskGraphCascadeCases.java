package io.ffmpegqueue.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spi.BackendListener;
import io.ffmpegqueue.spi.CancelResult;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.WebhookOutbox;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Task graphs, the cascades: failure and cancel down the graph, concurrent finishing of the last parents, a
 * retried parent, and the events of tasks the backend changed. Part of {@link QueueBackendContract}.
 */
abstract class TaskGraphCascadeCases extends TaskGraphCases {
  private static final int ROUNDS = 40;

  static void assertCancelledBy(Task t, TaskId parent) {
    assertEquals(TaskStatus.CANCELLED, t.status(), "task " + t.id());
    assertEquals(ErrorKind.DEPENDENCY, t.error().kind());
    assertTrue(t.error().message().contains(parent.value()), "names the parent: " + t.error().message());
    assertTrue(t.waitingFor().isEmpty());
    assertTrue(t.finishedAt() != null);
  }

  @Test
  void a_failure_cancels_what_waits_on_it_through_three_levels_and_nothing_else() throws Exception {
    QueueBackend b = graphBackend();
    TaskId a = enqueue(b, QueueBackendContract.task());
    TaskId side = enqueue(b, QueueBackendContract.task());
    TaskId level1 = enqueue(b, child(a));
    TaskId level2 = enqueue(b, child(level1, side));
    Task hooked = QueueBackendContract.webhookTask(3, QueueBackendContract.HOOK);
    TaskId level3 = enqueue(b, Task.pending(hooked.id(), hooked.request().toBuilder().after(level2).build(),
        Instant.now()));
    TaskId sideChild = enqueue(b, child(side));
    Map<TaskId, Lease> roots = claimAll(b);
    b.finish(roots.get(a), new Outcome.Failed(new TaskError(ErrorKind.FFMPEG, "ffmpeg exited with 1", null), null));
    Task l1 = found(b, level1);
    assertCancelledBy(l1, a);
    assertTrue(l1.error().message().contains("ffmpeg exited with 1"), "carries the parent's error: "
        + l1.error().message());
    assertCancelledBy(found(b, level2), level1);
    assertCancelledBy(found(b, level3), level2);
    WebhookOutbox.of(b).ifPresent(o -> assertTrue(o.findWebhook(level3).isPresent(), "the webhook of a task the"
        + " cascade ended is stored with it"));
    assertEquals(TaskStatus.RUNNING, found(b, side).status(), "the other parent goes on");
    complete(b, roots.get(side));
    assertEquals(List.of(sideChild), List.copyOf(claimAll(b).keySet()), "only the side branch runs");
  }

  @Test
  void a_task_after_a_failed_parent_is_cancelled_at_once() throws Exception {
    QueueBackend b = graphBackend();
    TaskId a = enqueue(b, QueueBackendContract.task());
    b.finish(claimAll(b).get(a), new Outcome.Failed(TaskError.of(ErrorKind.INPUT, "HTTP 404"), null));
    Task late = child(a);
    Task stored = b.enqueue(late).task();
    assertCancelledBy(stored, a);
    assertCancelledBy(found(b, late.id()), a);
    assertTrue(claimAll(b).isEmpty());
  }

  @Test
  void cancelling_a_task_cancels_what_waits_on_it_but_not_its_parents() throws Exception {
    QueueBackend b = graphBackend();
    TaskId root = enqueue(b, QueueBackendContract.task());
    TaskId a = enqueue(b, child(root));
    TaskId c = enqueue(b, child(a));
    TaskId d = enqueue(b, child(c));
    CancelResult r = b.cancel(a).orElseThrow();
    assertTrue(r.changed());
    assertEquals(TaskStatus.CANCELLED, r.task().status());
    assertCancelledBy(found(b, c), a);
    assertCancelledBy(found(b, d), c);
    assertEquals(TaskStatus.PENDING, found(b, root).status(), "a parent is left alone");

    // A running parent: cancelled when its worker ends it.
    TaskId e = enqueue(b, child(root));
    Lease rl = claimAll(b).get(root);
    assertTrue(b.cancel(root).orElseThrow().changed());
    assertEquals(TaskStatus.PENDING, found(b, e).status(), "waits while the cancel is only requested");
    b.finish(rl, new Outcome.Cancelled("cancel requested"));
    assertCancelledBy(found(b, e), root);
  }

  @Test
  void two_workers_finishing_the_last_two_parents_at_once_ready_the_child_exactly_once() throws Exception {
    QueueBackend b = graphBackend();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < ROUNDS; round++) {
        TaskId p1 = enqueue(b, QueueBackendContract.task());
        TaskId p2 = enqueue(b, QueueBackendContract.task());
        TaskId c = enqueue(b, child(p1, p2));
        Map<TaskId, Lease> leases = claimAll(b);
        assertEquals(2, leases.size());
        CountDownLatch go = new CountDownLatch(1);
        Future<?> f1 = pool.submit(() -> {
          go.await();
          return complete(b, leases.get(p1));
        });
        Future<?> f2 = pool.submit(() -> {
          go.await();
          return complete(b, leases.get(p2));
        });
        go.countDown();
        f1.get();
        f2.get();
        assertTrue(found(b, c).waitingFor().isEmpty(), "round " + round + ": the child waits for nothing");
        Map<TaskId, Lease> next = claimAll(b);
        assertEquals(List.of(c), List.copyOf(next.keySet()), "round " + round + ": the child is ready once");
        complete(b, next.get(c));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void a_parent_that_is_retried_and_then_succeeds_runs_its_child_once() throws Exception {
    QueueBackend b = graphBackend();
    TaskId a = enqueue(b, QueueBackendContract.task());
    TaskId c = enqueue(b, child(a));
    Lease first = claimAll(b).get(a);
    Task retry = b.finish(first, new Outcome.Failed(TaskError.of(ErrorKind.INPUT, "HTTP 503"), Instant.now()));
    assertEquals(TaskStatus.PENDING, retry.status());
    assertEquals(List.of(a), found(b, c).waitingFor(), "the child waits through the parent's retry");
    Map<TaskId, Lease> again = claimAll(b);
    assertEquals(List.of(a), List.copyOf(again.keySet()), "the parent runs again, the child does not");
    complete(b, again.get(a));
    Map<TaskId, Lease> child = claimAll(b);
    assertEquals(List.of(c), List.copyOf(child.keySet()));
    assertEquals(1, child.get(c).attempt());
    complete(b, child.get(c));
    assertTrue(claimAll(b).isEmpty(), "the child ran once");
  }

  @Test
  void listeners_hear_of_a_task_that_became_ready_and_of_one_the_cascade_cancelled() throws Exception {
    QueueBackend b = graphBackend();
    List<String> heard = new CopyOnWriteArrayList<>();
    Subscription s = b.addListener(new BackendListener() {
      @Override
      public void onRemoteEvent(TaskEvent.Type type, TaskId id) {
        heard.add(type + " " + id);
      }
    });
    try {
      TaskId ok = enqueue(b, QueueBackendContract.task());
      TaskId bad = enqueue(b, QueueBackendContract.task());
      TaskId readied = enqueue(b, child(ok));
      TaskId cancelled = enqueue(b, child(bad));
      Map<TaskId, Lease> leases = claimAll(b);
      complete(b, leases.get(ok));
      b.finish(leases.get(bad), new Outcome.Failed(TaskError.of(ErrorKind.FFMPEG, "exit 1"), null));
      Await.until("the backend's graph events", QueueBackendContract.PROMPTLY,
          () -> heard.contains("READY " + readied) && heard.contains("CANCELLED " + cancelled));
      assertFalse(heard.contains("READY " + cancelled));
    } finally {
      s.close();
    }
  }
}
