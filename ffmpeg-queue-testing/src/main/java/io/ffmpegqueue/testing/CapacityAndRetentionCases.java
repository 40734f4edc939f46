package io.ffmpegqueue.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskRejectedException;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.testing.QueueBackendContract.Limits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Capacity, retention, counts and concurrent claims. Part of {@link QueueBackendContract}. */
abstract class CapacityAndRetentionCases extends MessageOutboxCases {
  @Test
  void past_its_capacity_the_backend_refuses_new_tasks_as_queue_full() throws Exception {
    QueueBackend b = backend(new Limits(3, Duration.ofHours(1), 100));
    for (int i = 0; i < 3; i++) {
      b.enqueue(QueueBackendContract.task());
    }
    TaskRejectedException e = assertThrows(TaskRejectedException.class, () -> b.enqueue(QueueBackendContract.task()));
    assertEquals(TaskRejectedException.Reason.QUEUE_FULL, e.reason());
    assertEquals(3L, b.pendingCount());
    QueueBackendContract.claimOne(b);
    b.enqueue(QueueBackendContract.task()); // a claimed task frees its place
  }

  @Test
  void final_tasks_past_the_retention_count_are_pruned_oldest_first() throws Exception {
    QueueBackend b = backend(new Limits(100, Duration.ofHours(1), 2));
    List<TaskId> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Task t = QueueBackendContract.task();
      ids.add(t.id());
      b.enqueue(t);
      Lease l = QueueBackendContract.claimOne(b);
      b.finish(l, new Outcome.Completed(List.of(QueueBackendContract.output(l.taskId()))));
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
    Task done = QueueBackendContract.task();
    b.enqueue(done);
    Lease l = QueueBackendContract.claimOne(b);
    b.finish(l, new Outcome.Completed(List.of(QueueBackendContract.output(l.taskId()))));
    Task waiting = QueueBackendContract.task();
    b.enqueue(waiting);
    Await.until("the final task to be pruned", QueueBackendContract.PROMPTLY, () -> {
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
      Task t = QueueBackendContract.task();
      ids.add(t.id());
      b.enqueue(t);
    }
    Lease running = QueueBackendContract.claimOne(b);
    Lease done = QueueBackendContract.claimOne(b);
    b.finish(done, new Outcome.Completed(List.of(QueueBackendContract.output(done.taskId()))));
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
      b.enqueue(QueueBackendContract.task());
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
              List<Lease> got = b.claim(new ClaimRequest(worker, 3, QueueBackendContract.LEASE, Duration.ZERO));
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
}
