package io.ffmpegqueue.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.TaskGraphs;
import io.ffmpegqueue.testing.QueueBackendContract.Limits;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Task graphs, the structure: readiness (a diamond, a fan-in of 1,000 into a join), refusals, retention and
 * listing of waiting tasks. Every backend must keep graphs ({@link TaskGraphs}); one that does not fails here.
 * Part of {@link QueueBackendContract}; the cascades are in {@link TaskGraphCascadeCases}.
 */
abstract class TaskGraphCases extends TenantCases {

  /** A backend with the given limits that keeps task graphs; fails the test when it does not. */
  QueueBackend graphBackend(Limits limits) {
    QueueBackend b = backend(limits);
    assertTrue(TaskGraphs.of(b).isPresent(), b.getClass().getSimpleName()
        + " does not keep task graphs: it must implement TaskGraphs (see its javadoc)");
    return b;
  }

  QueueBackend graphBackend() {
    return graphBackend(Limits.defaults());
  }

  /** A new pending task with 3 attempts that runs after {@code parents}. */
  static Task child(TaskId... parents) {
    return childRequest(3, parents);
  }

  static Task childRequest(int maxAttempts, TaskId... parents) {
    TaskRequest r = TaskRequest.builder()
        .command("-i input.mp4 output.mp4")
        .input("input.mp4", URI.create("https://example.com/video.mp4"))
        .output("output.mp4")
        .maxAttempts(maxAttempts)
        .timeout(Duration.ofMinutes(5))
        .after(parents)
        .build();
    return Task.pending(TaskId.random(), r, Instant.now());
  }

  /** A new pending join (no command) of {@code parents}. */
  static Task join(List<TaskId> parents) {
    TaskRequest r = TaskRequest.builder().after(parents).maxAttempts(3).timeout(Duration.ofMinutes(5)).build();
    return Task.pending(TaskId.random(), r, Instant.now());
  }

  static TaskId enqueue(QueueBackend b, Task t) {
    assertTrue(b.enqueue(t).created(), "task " + t.id() + " stored");
    return t.id();
  }

  /** Claims every ready task, without waiting, by task id. */
  static Map<TaskId, Lease> claimAll(QueueBackend b) throws InterruptedException {
    Map<TaskId, Lease> leases = new HashMap<>();
    while (true) {
      List<Lease> got = b.claim(new ClaimRequest("worker-a", 100, QueueBackendContract.LEASE, Duration.ZERO));
      if (got.isEmpty()) {
        return leases;
      }
      for (Lease l : got) {
        leases.put(l.taskId(), l);
      }
    }
  }

  static Task complete(QueueBackend b, Lease l) {
    Task t = b.finish(l, new Outcome.Completed(List.of(QueueBackendContract.output(l.taskId()))));
    assertEquals(TaskStatus.COMPLETED, t.status());
    return t;
  }

  static Task found(QueueBackend b, TaskId id) {
    return b.find(id).orElseThrow(() -> new AssertionError("task " + id + " is gone"));
  }

  @Test
  void a_diamond_runs_each_task_once_its_parents_have_completed() throws Exception {
    QueueBackend b = graphBackend();
    TaskId a = enqueue(b, QueueBackendContract.task());
    TaskId bb = enqueue(b, child(a));
    TaskId c = enqueue(b, child(a));
    TaskId d = enqueue(b, child(bb, c));
    assertEquals(List.of(bb, c), found(b, d).waitingFor());
    assertTrue(found(b, d).isWaiting());
    assertEquals(TaskStatus.PENDING, found(b, d).status());
    assertEquals(1, b.pendingCount(), "the queue size counts ready tasks only");
    assertEquals(4, b.counts().get(TaskStatus.PENDING), "counts() counts waiting tasks as pending");
    assertEquals(List.of(bb, c), TaskGraphs.of(b).orElseThrow().dependents(a));

    Map<TaskId, Lease> first = claimAll(b);
    assertEquals(List.of(a), List.copyOf(first.keySet()), "only the root is ready");
    complete(b, first.get(a));
    assertTrue(found(b, bb).waitingFor().isEmpty(), "B is ready");
    Map<TaskId, Lease> second = claimAll(b);
    assertEquals(2, second.size());
    assertTrue(second.containsKey(bb) && second.containsKey(c), "B and C run after A: " + second.keySet());
    complete(b, second.get(bb));
    assertEquals(List.of(c), found(b, d).waitingFor(), "D still waits for C");
    assertTrue(claimAll(b).isEmpty(), "D is not ready while C runs");
    complete(b, second.get(c));
    assertFalse(found(b, d).isWaiting());
    Map<TaskId, Lease> last = claimAll(b);
    assertEquals(List.of(d), List.copyOf(last.keySet()));
    assertEquals(1, last.get(d).attempt());
    complete(b, last.get(d));
    assertTrue(claimAll(b).isEmpty());
  }

  @Test
  void a_join_of_a_thousand_parents_becomes_ready_only_when_the_last_completes() throws Exception {
    QueueBackend b = graphBackend();
    List<TaskId> parents = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      parents.add(enqueue(b, QueueBackendContract.task()));
    }
    Task j = join(parents);
    assertTrue(j.request().isJoin());
    TaskId joinId = enqueue(b, j);
    assertEquals(parents, found(b, joinId).waitingFor());
    Map<TaskId, Lease> leases = claimAll(b);
    assertEquals(1000, leases.size(), "every parent, not the join");
    for (int i = 0; i < 999; i++) {
      complete(b, leases.get(parents.get(i)));
    }
    assertEquals(List.of(parents.get(999)), found(b, joinId).waitingFor());
    assertEquals(0, b.pendingCount());
    complete(b, leases.get(parents.get(999)));
    assertEquals(1, b.pendingCount());
    Map<TaskId, Lease> joined = claimAll(b);
    assertEquals(List.of(joinId), List.copyOf(joined.keySet()));
    Task done = b.finish(joined.get(joinId), new Outcome.Completed(List.of()));
    assertEquals(TaskStatus.COMPLETED, done.status());
    assertTrue(done.outputs().isEmpty());
    assertEquals(parents, done.dependsOn());
  }

  @Test
  void a_task_that_names_an_unknown_task_or_itself_is_refused_and_not_stored() {
    QueueBackend b = graphBackend();
    TaskId a = enqueue(b, QueueBackendContract.task());
    TaskId unknown = TaskId.random();
    Task t = child(a, unknown);
    InvalidTaskException e = assertThrows(InvalidTaskException.class, () -> b.enqueue(t));
    assertEquals("depends_on", e.field());
    assertTrue(e.getMessage().contains(unknown.value()), "names the id: " + e.getMessage());
    assertTrue(b.find(t.id()).isEmpty(), "nothing stored");
    assertTrue(TaskGraphs.of(b).orElseThrow().dependents(a).isEmpty(), "no edge left behind");

    TaskId self = TaskId.random();
    Task selfish = Task.pending(self, child(self).request(), Instant.now());
    InvalidTaskException s = assertThrows(InvalidTaskException.class, () -> b.enqueue(selfish));
    assertTrue(s.getMessage().contains(self.value()), "names the id: " + s.getMessage());
    assertTrue(b.find(self).isEmpty());
  }

  @Test
  void a_task_after_completed_parents_is_ready_at_once() throws Exception {
    QueueBackend b = graphBackend();
    TaskId a = enqueue(b, QueueBackendContract.task());
    complete(b, claimAll(b).get(a));
    TaskId c = enqueue(b, child(a));
    Task stored = found(b, c);
    assertTrue(stored.waitingFor().isEmpty());
    assertEquals(List.of(a), stored.dependsOn());
    assertEquals(List.of(c), List.copyOf(claimAll(b).keySet()));
  }

  @Test
  void waiting_tasks_are_listed_apart_and_never_claimed() throws Exception {
    QueueBackend b = graphBackend();
    TaskId a = enqueue(b, QueueBackendContract.task());
    TaskId c = enqueue(b, child(a));
    TaskQuery pending = TaskQuery.of(TaskStatus.PENDING, 10);
    assertEquals(List.of(c), b.list(pending.waiting(true)).stream().map(Task::id).toList());
    assertEquals(List.of(a), b.list(pending.waiting(false)).stream().map(Task::id).toList());
    assertEquals(2, b.list(pending).size());
    assertEquals(List.of(a), List.copyOf(claimAll(b).keySet()));
  }

  @Test
  void retention_keeps_a_parent_while_a_task_waiting_on_it_has_not_ended() throws Exception {
    QueueBackend b = graphBackend(new Limits(100, Duration.ofHours(1), 0));
    TaskId a = enqueue(b, QueueBackendContract.task());
    TaskId x = enqueue(b, QueueBackendContract.task());
    TaskId other = enqueue(b, QueueBackendContract.task());
    TaskId c = enqueue(b, child(a, x));
    Map<TaskId, Lease> roots = claimAll(b);
    complete(b, roots.get(a));
    complete(b, roots.get(other));
    b.prune();
    assertTrue(b.find(other).isEmpty(), "a task nobody waits for is pruned");
    assertEquals(TaskStatus.COMPLETED, found(b, a).status(), "the parent C waits beside is kept, outputs and all");
    assertEquals(1, found(b, a).outputs().size());
    complete(b, roots.get(x));
    Lease cl = claimAll(b).get(c);
    b.prune();
    assertTrue(b.find(a).isPresent() && b.find(x).isPresent(), "kept while C runs (a retry reads them again)");
    complete(b, cl);
    b.prune();
    assertTrue(b.find(a).isEmpty() && b.find(x).isEmpty() && b.find(c).isEmpty(), "all pruned once C ended");
  }
}
