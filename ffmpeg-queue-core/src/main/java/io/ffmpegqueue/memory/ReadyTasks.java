package io.ffmpegqueue.memory;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.concurrent.locks.Condition;

/**
 * The in-memory backend's PENDING tasks that a worker may take now or later: the ready ones by tenant turns
 * ({@link TenantTurns}), the delayed ones by run time ({@link DelayedTasks}), and the condition a claim waits on
 * until one arrives. Tasks that wait for other tasks are not here ({@link TaskGraph}). Used under the backend's
 * lock, whose condition {@code workAvailable} is.
 */
final class ReadyTasks {
  private final TenantTurns ready = new TenantTurns();
  private final DelayedTasks delayed = new DelayedTasks();
  private final Condition workAvailable;

  ReadyTasks(Condition workAvailable) {
    this.workAvailable = workAvailable;
  }

  /** Queues a PENDING task: ready when its run time has come, else delayed; wakes a waiting claim. */
  void schedule(Entry e, Instant now) {
    if (e.task.runAt().isAfter(now)) {
      delayed.add(e);
    } else {
      ready.addReady(e, false);
    }
    workAvailable.signal(); // a waiting claimer has work, or may have to wake earlier
  }

  /** Queues a task handed back unfinished first among its tenant's ready tasks of its priority. */
  void requeueFirst(Entry e) {
    ready.addReady(e, true);
    workAvailable.signal();
  }

  /** One of a tenant's tasks left RUNNING. */
  void stoppedRunning(Entry e) {
    if (ready.stoppedRunning(e)) {
      workAvailable.signal(); // its tenant may have been at its running limit
    }
  }

  /**
   * Takes up to {@code request.maxTasks()} tasks ready at {@code now}, in turn order (the delayed ones due promoted
   * first), and leases them to the worker: each is RUNNING with its next attempt ({@code move} stores the
   * snapshot) and is put in {@code running}.
   */
  List<Lease> lease(ClaimRequest request, Instant now, BiConsumer<Entry, Task> move, Map<TaskId, Entry> running) {
    delayed.promoteDue(now, ready);
    List<Entry> taken = ready.take(request.maxTasks(), request.tenantLimits());
    if (taken.isEmpty()) {
      return List.of();
    }
    Instant expiresAt = now.plus(request.leaseDuration());
    List<Lease> leases = new ArrayList<>(taken.size());
    for (Entry e : taken) {
      Task t = TaskStates.claimed(e.task, now);
      move.accept(e, t);
      e.leaseOwner = request.workerId();
      e.leaseExpiresAt = expiresAt;
      e.cancelRequested = false;
      running.put(t.id(), e);
      leases.add(new Lease(t, request.workerId(), expiresAt, e.fence()));
    }
    return leases;
  }

  /**
   * Waits for work up to {@code remainingNanos}, or until the soonest delayed task is due.
   *
   * @return the nanoseconds of the wait left
   * @throws InterruptedException when the waiting thread is interrupted
   */
  long awaitWork(long remainingNanos, Instant now) throws InterruptedException {
    long wait = remainingNanos;
    Instant next = delayed.nextRunAt();
    if (next != null) {
      long untilDue = Duration.between(now, next).toNanos();
      wait = Math.max(1, Math.min(wait, untilDue));
    }
    long before = System.nanoTime();
    workAvailable.awaitNanos(wait);
    return remainingNanos - (System.nanoTime() - before);
  }

  TenantTurns ready() {
    return ready;
  }

  DelayedTasks delayed() {
    return delayed;
  }
}
