package io.ffmpegqueue.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spi.BackendListener;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.LeaseLostException;
import io.ffmpegqueue.spi.LeaseState;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.Renewal;
import io.ffmpegqueue.spi.TaskContinuations;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link TaskContinuations}: a running task that ends its attempt with {@link Outcome.Await}
 * waits for those tasks and runs again once, with the same attempt number, when they have completed; a failed
 * one readies it to decide; a cancel asked for while it ran ends it and them; a stale lease changes nothing;
 * parents completing while the task awaits them never lose it or ready it twice (repeated with real threads). Extend it beside {@link QueueBackendContract}:
 *
 * <pre>{@code
 * class MyBackendContinuationTest extends TaskContinuationContract {
 *   @Override protected QueueBackend createBackend() { return MyBackend.builder().build(); }
 * }
 * }</pre>
 */
public abstract class TaskContinuationContract {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private final List<QueueBackend> made = new ArrayList<>();

  /** A new, empty backend that is {@link TaskContinuations}. */
  protected abstract QueueBackend createBackend();

  private QueueBackend backend() {
    QueueBackend b = createBackend();
    made.add(b);
    assertTrue(TaskContinuations.of(b).isPresent(), b.getClass().getSimpleName() + " is not TaskContinuations");
    return b;
  }

  @AfterEach
  void closeBackends() {
    made.forEach(QueueBackend::close);
    made.clear();
  }

  private static Task task(int maxAttempts) {
    TaskRequest r = TaskRequest.builder().command("-i input.mp4 output.mp4")
        .input("input.mp4", URI.create("https://example.com/video.mp4")).output("output.mp4")
        .maxAttempts(maxAttempts).timeout(Duration.ofMinutes(5)).build();
    return Task.pending(TaskId.random(), r, Instant.now());
  }

  private static TaskId enqueue(QueueBackend b, Task t) {
    assertTrue(b.enqueue(t).created());
    return t.id();
  }

  private static Map<TaskId, Lease> claimAll(QueueBackend b) throws InterruptedException {
    Map<TaskId, Lease> leases = new HashMap<>();
    List<Lease> got;
    while (!(got = b.claim(new ClaimRequest("worker-a", 100, LEASE, Duration.ZERO))).isEmpty()) {
      got.forEach(l -> leases.put(l.taskId(), l));
    }
    return leases;
  }

  private static Task complete(QueueBackend b, Lease l) {
    return b.finish(l, new Outcome.Completed(List.of(new TaskOutput("output.mp4",
        URI.create("file:/outputs/" + l.taskId() + "/output.mp4"), 42, "video/mp4", "sha256:ab", null, null))));
  }

  private static Task found(QueueBackend b, TaskId id) {
    return b.find(id).orElseThrow();
  }

  @Test
  void a_task_that_awaits_its_parts_runs_again_once_when_they_have_completed() throws Exception {
    QueueBackend b = backend();
    TaskId t = enqueue(b, task(1));
    Lease first = claimAll(b).get(t);
    TaskId p1 = enqueue(b, task(3));
    TaskId p2 = enqueue(b, task(3));

    Task awaiting = b.finish(first, new Outcome.Await(List.of(p1, p2)));
    assertEquals(TaskStatus.PENDING, awaiting.status());
    assertEquals(List.of(p1, p2), awaiting.dependsOn());
    assertEquals(List.of(p1, p2), awaiting.waitingFor());
    assertEquals(0, awaiting.attempt(), "the attempt that awaited is not counted");
    assertEquals(2, b.pendingCount(), "the awaiting task is not ready; its two parts are");

    Map<TaskId, Lease> parts = claimAll(b);
    assertEquals(List.of(p1, p2).size(), parts.size());
    assertTrue(!parts.containsKey(t), "an awaiting task is never claimed");
    complete(b, parts.get(p1));
    assertEquals(List.of(p2), found(b, t).waitingFor());
    assertTrue(claimAll(b).isEmpty());
    complete(b, parts.get(p2));

    Map<TaskId, Lease> again = claimAll(b);
    assertEquals(List.of(t), List.copyOf(again.keySet()), "ready once, when the last part completed");
    assertEquals(1, again.get(t).attempt(), "the same attempt number again: max_attempts 1 still lets it run");
    assertEquals(TaskStatus.COMPLETED, complete(b, again.get(t)).status());
    assertTrue(claimAll(b).isEmpty());
  }

  @Test
  void a_task_retried_by_hand_that_awaits_its_failed_part_again_waits_for_the_part_retried_by_hand() throws Exception {
    QueueBackend b = backend();
    var admin = b.admin().orElseThrow(() -> new AssertionError("a TaskContinuations backend offers a TaskAdmin"));
    TaskId t = enqueue(b, task(1));
    Lease first = claimAll(b).get(t);
    TaskId p = enqueue(b, task(1));
    b.finish(first, new Outcome.Await(List.of(p)));
    b.finish(claimAll(b).get(p), new Outcome.Failed(new TaskError(ErrorKind.FFMPEG, "part broke", null), null));
    assertEquals(TaskStatus.FAILED, b.finish(claimAll(b).get(t),
        new Outcome.Failed(new TaskError(ErrorKind.FFMPEG, "its part broke", null), null)).status());

    // Split-and-stitch's retry by hand: the task is retried, its run retries the part and awaits it again.
    assertTrue(admin.retry(t).orElseThrow().changed());
    Lease second = claimAll(b).get(t);
    assertTrue(admin.retry(p).orElseThrow().changed());
    Task waiting = b.finish(second, new Outcome.Await(List.of(p)));
    assertEquals(TaskStatus.PENDING, waiting.status());
    assertEquals(List.of(p), waiting.waitingFor(), "it waits for the part's new series");
    Map<TaskId, Lease> ready = claimAll(b);
    assertEquals(List.of(p), List.copyOf(ready.keySet()), "only the part is ready");
    complete(b, ready.get(p));
    assertEquals(List.of(t), List.copyOf(claimAll(b).keySet()), "ready once the part completed");
  }

  @Test
  void awaiting_completed_tasks_is_ready_at_once() throws Exception {
    QueueBackend b = backend();
    TaskId p = enqueue(b, task(3));
    complete(b, claimAll(b).get(p));
    TaskId t = enqueue(b, task(3));
    Task after = b.finish(claimAll(b).get(t), new Outcome.Await(List.of(p)));
    assertEquals(List.of(), after.waitingFor());
    assertEquals(List.of(t), List.copyOf(claimAll(b).keySet()));
  }

  @Test
  void awaiting_a_task_that_has_already_failed_readies_the_task_at_once_to_decide() throws Exception {
    QueueBackend b = backend();
    TaskId p = enqueue(b, task(1));
    b.finish(claimAll(b).get(p), new Outcome.Failed(TaskError.of(ErrorKind.FFMPEG, "bad frame"), null));
    TaskId t = enqueue(b, task(3));
    Lease l = claimAll(b).get(t);
    TaskId child = enqueue(b, childOf(t));

    Task after = b.finish(l, new Outcome.Await(List.of(p)));
    assertEquals(TaskStatus.PENDING, after.status());
    assertEquals(List.of(), after.waitingFor());
    assertEquals(List.of(t), List.copyOf(claimAll(b).keySet()), "it runs again, and decides");
    assertEquals(List.of(t), found(b, child).waitingFor(), "what waits on it still waits");
  }

  @Test
  void an_awaited_task_that_fails_readies_the_task_instead_of_cancelling_it() throws Exception {
    QueueBackend b = backend();
    TaskId t = enqueue(b, task(1));
    Lease first = claimAll(b).get(t);
    TaskId p1 = enqueue(b, task(1));
    TaskId p2 = enqueue(b, task(1));
    TaskId child = enqueue(b, childOf(t));
    b.finish(first, new Outcome.Await(List.of(p1, p2)));
    Map<TaskId, Lease> parts = claimAll(b);

    b.finish(parts.get(p1), new Outcome.Failed(TaskError.of(ErrorKind.FFMPEG, "part 1: bad frame"), null));
    Task readied = found(b, t);
    assertEquals(TaskStatus.PENDING, readied.status(), String.valueOf(readied.error()));
    assertEquals(List.of(), readied.waitingFor(), "it waits for its other part no more");
    Map<TaskId, Lease> again = claimAll(b);
    assertEquals(List.of(t), List.copyOf(again.keySet()), "it runs again, and decides");
    assertEquals(TaskStatus.RUNNING, found(b, p2).status(), "its other part is its own to cancel");
    assertEquals(TaskStatus.PENDING, found(b, child).status(), "what waits on it still waits");

    Task failed = b.finish(again.get(t), new Outcome.Failed(TaskError.of(ErrorKind.FFMPEG, "part 1 failed"), null));
    assertEquals(TaskStatus.FAILED, failed.status());
    assertEquals(TaskStatus.CANCELLED, found(b, child).status(), "then the cascade goes on as ever");
    assertEquals(TaskStatus.COMPLETED, complete(b, parts.get(p2)).status(), "a part that ends later changes nothing");
    assertEquals(TaskStatus.FAILED, found(b, t).status());
    assertTrue(claimAll(b).isEmpty());
  }

  @Test
  void a_cancel_asked_for_while_the_task_ran_ends_it_cancelled_with_the_tasks_it_awaited() throws Exception {
    QueueBackend b = backend();
    List<TaskId> heard = new CopyOnWriteArrayList<>();
    b.addListener(new BackendListener() {
      @Override
      public void onRemoteEvent(TaskEvent.Type type, TaskId id) {
        if (type == TaskEvent.Type.CANCELLED) {
          heard.add(id);
        }
      }
    });
    TaskId t = enqueue(b, task(1));
    Lease first = claimAll(b).get(t);
    TaskId running = enqueue(b, task(1));
    Lease runningLease = claimAll(b).get(running);
    TaskId pending = enqueue(b, task(1));
    TaskId child = enqueue(b, childOf(t));

    assertTrue(b.cancel(t).orElseThrow().changed(), "asked to stop while it enqueues its parts");
    Task after = b.finish(first, new Outcome.Await(List.of(running, pending)));
    assertEquals(TaskStatus.CANCELLED, after.status());
    assertEquals(ErrorKind.CANCELLED, after.error().kind());
    assertEquals(List.of(running, pending), found(b, t).dependsOn(), "its parts stay linked to it");
    assertEquals(TaskStatus.CANCELLED, found(b, pending).status(), "its pending part is cancelled with it");
    assertEquals(LeaseState.CANCEL_REQUESTED, b.renew(new Renewal(runningLease, null, LEASE)),
        "its running part is asked to stop");
    assertEquals(TaskStatus.CANCELLED, found(b, child).status(), "what waits on it is cancelled too");
    assertTrue(claimAll(b).isEmpty(), "nothing runs any more");
    Await.until("the listeners hear of both ends", Duration.ofSeconds(10),
        () -> heard.containsAll(List.of(t, pending)));
  }

  @Test
  void a_stale_lease_or_an_unknown_task_changes_nothing() throws Exception {
    QueueBackend b = backend();
    TaskId t = enqueue(b, task(3));
    Lease l = claimAll(b).get(t);
    TaskId p = enqueue(b, task(3));
    assertThrows(InvalidTaskException.class, () -> b.finish(l, new Outcome.Await(List.of(TaskId.random()))));
    assertEquals(TaskStatus.RUNNING, found(b, t).status(), "refused before any change");
    assertEquals(List.of(), found(b, t).dependsOn());

    b.finish(l, new Outcome.Await(List.of(p)));
    assertThrows(LeaseLostException.class, () -> b.finish(l, new Outcome.Await(List.of(p))));
    assertThrows(LeaseLostException.class, () -> complete(b, l));
    assertEquals(List.of(p), found(b, t).waitingFor());
  }

  @Test
  void parents_completing_while_the_task_awaits_them_ready_it_exactly_once() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      QueueBackend b = backend();
      for (int round = 0; round < 100; round++) {
        TaskId t = enqueue(b, task(1));
        Lease tl = claimAll(b).get(t);
        TaskId p1 = enqueue(b, task(3));
        TaskId p2 = enqueue(b, task(3));
        Map<TaskId, Lease> parts = claimAll(b);
        CyclicBarrier start = new CyclicBarrier(3);
        List<Future<Task>> done = List.of(
            pool.submit(() -> {
              start.await();
              return b.finish(tl, new Outcome.Await(List.of(p1, p2)));
            }),
            pool.submit(() -> {
              start.await();
              return complete(b, parts.get(p1));
            }),
            pool.submit(() -> {
              start.await();
              return complete(b, parts.get(p2));
            }));
        for (Future<Task> f : done) {
          f.get();
        }
        Map<TaskId, Lease> again = claimAll(b);
        assertEquals(List.of(t), List.copyOf(again.keySet()), "round " + round);
        assertEquals(1, again.get(t).attempt(), "round " + round);
        assertEquals(TaskStatus.COMPLETED, complete(b, again.get(t)).status());
        assertTrue(claimAll(b).isEmpty(), "round " + round + ": readied once");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static Task childOf(TaskId parent) {
    TaskRequest r = TaskRequest.builder().command("-i input.mp4 output.mp4")
        .input("input.mp4", URI.create("https://example.com/video.mp4")).output("output.mp4")
        .maxAttempts(3).timeout(Duration.ofMinutes(5)).after(parent).build();
    return Task.pending(TaskId.random(), r, Instant.now());
  }
}
