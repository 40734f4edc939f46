package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.internal.events.TaskEvents;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.StopReason;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lease keeping and reaping, on the {@code ffq-supervisor} thread: renews the leases of the running tasks
 * on their heartbeat (sooner when progress waits to be written), stops tasks past their deadline, and now
 * and then returns the expired leases of dead workers to the queue and prunes old final tasks.
 */
final class LeaseSupervisor {
  private static final Logger log = LoggerFactory.getLogger(LeaseSupervisor.class);

  private final WorkerConfig config;
  private final QueueBackend backend;
  private final TaskEvents events;
  private final WorkerCounters counters;
  private final Set<RunningTask> running;
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private volatile long plannedWakeNanos = System.nanoTime();
  private volatile boolean rescan;
  private volatile boolean closed;

  LeaseSupervisor(WorkerConfig config, QueueBackend backend, TaskEvents events, WorkerCounters counters,
      Set<RunningTask> running) {
    this.config = config;
    this.backend = backend;
    this.events = events;
    this.counters = counters;
    this.running = running;
    this.thread = new Thread(this::supervise, "ffq-supervisor");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Looks at a task that just started: the supervisor may otherwise sleep past its deadline. */
  void started(RunningTask t) {
    long untilDeadline = Duration.between(config.clock().instant(), t.deadline()).toNanos();
    if (untilDeadline < config.heartbeatInterval().toNanos()
        || System.nanoTime() + untilDeadline - plannedWakeNanos < 0) {
      wake(); // otherwise it sees the task on its next heartbeat, before the deadline
    }
  }

  /** Makes the supervisor look at the running tasks again now (a task's next renew came sooner). */
  void wake() {
    rescan = true;
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * One pass on the calling thread, for a pool driven by hand: renews every running task's lease (as if its
   * heartbeats had all been on time: a test's clock jumps, so heartbeats cannot be timed by it, and this
   * pool's workers are alive), stops running tasks past their deadline by the clock, then reaps expired
   * leases and prunes final tasks.
   */
  void superviseOnce() {
    Instant now = config.clock().instant();
    for (RunningTask t : running) {
      t.renew();
      if (!now.isBefore(t.deadline()) && t.stopReason() == null) {
        log.info("task {}: timed out", t.lease().taskId());
        t.stop(StopReason.TIMED_OUT);
      }
    }
    reap();
  }

  private void supervise() {
    long nextReap = System.nanoTime();
    while (!closed) {
      long now = System.nanoTime();
      Instant wallNow = config.clock().instant();
      long wake = now + config.heartbeatInterval().toNanos();
      for (RunningTask t : running) {
        long untilDeadline = Duration.between(wallNow, t.deadline()).toNanos();
        if (untilDeadline <= 0) {
          if (t.stopReason() == null) {
            log.info("task {}: timed out", t.lease().taskId());
            t.stop(StopReason.TIMED_OUT);
          }
        } else {
          wake = Math.min(wake, now + untilDeadline);
        }
        if (t.renewDue(now)) {
          t.renew();
        }
        wake = Math.min(wake, t.nextRenewNanos());
      }
      if (now - nextReap >= 0) {
        reap();
        nextReap = now + config.reapInterval().toNanos();
      }
      wake = Math.min(wake, nextReap);
      plannedWakeNanos = wake;
      lock.lock();
      try {
        long wait = wake - System.nanoTime();
        if (!closed && !rescan && wait > 0) {
          changed.awaitNanos(wait);
        }
        rescan = false;
      } catch (InterruptedException e) {
        break;
      } finally {
        lock.unlock();
      }
    }
  }

  private void reap() {
    try {
      for (Task t : backend.reapExpiredLeases()) {
        counters.leasesExpired.increment();
        if (t.status() == TaskStatus.FAILED) {
          events.onFinal(t, TaskEvent.Type.FAILED);
        } else if (t.status() == TaskStatus.CANCELLED) {
          // A shared backend ends a cancel-requested task whose worker died as cancelled, not retried.
          events.onFinal(t, TaskEvent.Type.CANCELLED);
        } else {
          events.publish(TaskEvent.Type.RETRY_SCHEDULED, t, null);
        }
      }
      backend.prune();
    } catch (RuntimeException e) {
      log.warn("reaping expired leases failed: {}", e.toString());
    }
  }

  /** Stops the thread and waits for it to end. */
  void close() {
    closed = true;
    wake();
    if (thread.isAlive()) {
      WorkerPool.joinQuietly(thread);
    }
  }
}
