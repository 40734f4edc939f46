package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.support.NamedThreadFactory;
import io.ffmpegqueue.internal.events.TaskEvents;
import io.ffmpegqueue.spi.Handover;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.LeaseLostException;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.StopReason;
import io.ffmpegqueue.spi.TaskHandler;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The worker machinery, which knows nothing of ffmpeg: a dispatcher claims as many tasks as there are
 * free slots, worker threads run them through the {@link TaskHandler} and record how each attempt ended
 * ({@link AttemptEnding}), and the {@link LeaseSupervisor} renews leases, enforces timeouts and reaps the
 * leases of dead workers. Every failure ends in a recorded outcome.
 */
public final class WorkerPool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

  private final WorkerConfig config;
  private final QueueBackend backend;
  private final TaskHandler handler;
  private final TaskEvents events;
  private final Semaphore slots;
  private final ExecutorService executor;
  // The executor's threads: its termination is signalled by the last of them before it has exited, so
  // close() joins them to return only once every one has ended.
  private final Set<Thread> workerThreads = ConcurrentHashMap.newKeySet();
  // Keyed by attempt, not task id: after a lost lease this pool may run a newer attempt of the same task
  // while the old one is still stopping.
  private final Set<RunningTask> running = ConcurrentHashMap.newKeySet();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Thread dispatcher;
  private final LeaseSupervisor supervisor;
  private volatile boolean stopping;
  // Whether workers should try to claim their next task themselves (the last claim found more than enough).
  private volatile boolean backlog;
  // Workers claim under the read lock; close() takes the write lock once, after which every such claim
  // has either put its task in `running` (so close() stops or releases it) or seen `stopping`.
  private final ReentrantReadWriteLock claimGate = new ReentrantReadWriteLock();
  private final WorkerCounters counters;

  /** A pool that starts on {@link #start()} and keeps its lease totals in {@code counters}. */
  public WorkerPool(WorkerConfig config, QueueBackend backend, TaskHandler handler, TaskEvents events,
      WorkerCounters counters) {
    this.counters = counters;
    this.config = config;
    this.backend = backend;
    this.handler = handler;
    this.events = events;
    this.slots = new Semaphore(config.workers());
    NamedThreadFactory names = new NamedThreadFactory("ffq-worker");
    this.executor = new ThreadPoolExecutor(config.workers(), config.workers(), 0, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = names.newThread(r);
          workerThreads.removeIf(old -> !old.isAlive()); // one replaced after a task threw
          workerThreads.add(t);
          return t;
        });
    this.dispatcher = new Thread(this::dispatch, "ffq-dispatcher");
    this.dispatcher.setDaemon(true);
    this.supervisor = new LeaseSupervisor(config, backend, events, counters, running);
    events.onCancelRunning(id -> {
      for (RunningTask t : running) {
        if (t.lease().taskId().equals(id)) {
          t.stop(StopReason.CANCELLED);
        }
      }
    });
  }

  /** Starts claiming. */
  public void start() {
    dispatcher.start();
    supervisor.start();
  }

  /** How many tasks run now. */
  public int activeCount() {
    return running.size();
  }

  private void dispatch() {
    while (!stopping) {
      int n;
      try {
        slots.acquire();
        n = 1 + slots.drainPermits();
      } catch (InterruptedException e) {
        break;
      }
      List<Lease> leases;
      try {
        leases = backend.claim(config.claim(n, config.pollWait()));
      } catch (InterruptedException e) {
        slots.release(n);
        break;
      } catch (RuntimeException e) {
        slots.release(n);
        log.warn("claiming tasks failed; trying again in a second: {}", e.toString());
        if (!awaitStopping(Duration.ofSeconds(1))) {
          continue;
        }
        break;
      }
      slots.release(n - leases.size());
      // A full claim suggests more work is ready: workers then take their next task themselves.
      backlog = leases.size() == n;
      for (Lease lease : leases) {
        RunningTask t = register(lease);
        executor.execute(() -> work(t));
      }
    }
  }

  /**
   * Claims one ready task and runs it on the calling thread, through the same path as the worker threads
   * (events, retry policy, fencing): for a pool that was never started and is driven by hand
   * (a {@code WorkerDriver}). Does not wait for work.
   *
   * @return the id of the task that ran, or empty when none was ready, no slot was free, or the pool is
   *     closing
   */
  public Optional<TaskId> runNext() {
    if (stopping || !slots.tryAcquire()) {
      return Optional.empty();
    }
    List<Lease> leases;
    try {
      leases = backend.claim(config.claim(1, Duration.ZERO));
    } catch (InterruptedException e) {
      slots.release();
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (RuntimeException | Error e) {
      slots.release();
      throw e;
    }
    if (leases.isEmpty()) {
      slots.release();
      return Optional.empty();
    }
    RunningTask t = register(leases.get(0));
    try {
      run(t);
    } finally {
      slots.release();
    }
    return Optional.of(t.lease().taskId());
  }

  /** One supervisor pass on the calling thread, for a pool driven by hand; see {@link LeaseSupervisor#superviseOnce}. */
  public void superviseOnce() {
    supervisor.superviseOnce();
  }

  private RunningTask register(Lease lease) {
    RunningTask t = new RunningTask(lease, config, backend, events, counters, supervisor::wake);
    running.add(t);
    supervisor.started(t);
    return t;
  }

  /**
   * Runs {@code first}, then, while a backlog is likely, claims and runs the next task on the same thread
   * and the same slot: no hand-off to the dispatcher and back for each task. Gives the slot back at the end.
   */
  private void work(RunningTask first) {
    try {
      RunningTask t = first;
      while (t != null) {
        Next next = new Next();
        run(t, next);
        t = next.claimed ? next.task : claimNext();
      }
    } finally {
      slots.release();
      if (stopping) {
        signal(); // close() waits for running tasks to end
      }
    }
  }

  /**
   * Claims one task for the slot this worker holds, without waiting: the dispatcher does the waiting.
   * Null when there is no backlog, nothing is ready, the pool is stopping or the claim failed.
   */
  private RunningTask claimNext() {
    if (!backlog || stopping) {
      return null;
    }
    claimGate.readLock().lock();
    try {
      if (stopping) {
        return null;
      }
      List<Lease> leases;
      try {
        leases = backend.claim(config.claim(1, Duration.ZERO));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      } catch (RuntimeException e) {
        backlog = false; // the dispatcher claims next, and reports the failure if it lasts
        return null;
      }
      if (leases.isEmpty()) {
        backlog = false;
        return null;
      }
      return register(leases.get(0));
    } finally {
      claimGate.readLock().unlock();
    }
  }

  /**
   * A worker's next task, claimed together with the end of its last one ({@link QueueBackend#finishAndClaim}):
   * one call where a finish and a claim would be two.
   */
  private static final class Next {
    boolean claimed; // whether the end went with a claim
    RunningTask task; // what that claim took, or null
  }

  private void run(RunningTask t) {
    run(t, null);
  }

  /** Runs {@code t}; with {@code next}, its end may go with the claim of the next task (see {@link Next}). */
  private void run(RunningTask t, Next next) {
    Lease lease = t.lease();
    t.thread = Thread.currentThread();
    MDC.put("task_id", lease.taskId().value());
    long startNanos = System.nanoTime();
    String outcome = "error";
    try {
      TaskLog.started(lease);
      events.publishStarted(lease.task());
      List<TaskOutput> outputs = null;
      Throwable failure = null;
      try {
        if (t.stopReason() == null) {
          outputs = handler.handle(t);
        }
      } catch (Throwable e) {
        failure = e;
        if (e instanceof InterruptedException) {
          Thread.interrupted(); // cleared: the interrupt was ours, for a stop
        }
      }
      t.end();
      AttemptEnding ending = AttemptEnding.of(t, outputs, failure, config);
      outcome = "dropped";
      if (ending != null && t.takeEnd()
          && finish(t, ending.outcome(), ending.event(), ending.mayClaimNext() ? next : null)) {
        outcome = TaskLog.outcome(ending.event(), ending.outcome());
      }
    } catch (RuntimeException | Error e) {
      log.error("task {}: the worker failed to record the end of attempt {}; the lease will expire and the task be retried",
          lease.taskId(), lease.attempt(), e);
    } finally {
      TaskLog.ended(lease, outcome, startNanos);
      t.end();
      running.remove(t);
      t.thread = null;
      MDC.remove("task_id");
      if (stopping) {
        signal(); // close() waits for running tasks to end
      }
    }
  }

  /** Records the end of {@code t}; false when its lease was lost and the result dropped. */
  private boolean finish(RunningTask t, Outcome outcome, TaskEvent.Type event, Next next) {
    Task after = next == null ? null : finishAndClaim(t, outcome, next);
    if (next == null || !next.claimed) {
      try {
        after = backend.finish(t.lease(), outcome);
      } catch (LeaseLostException e) {
        log.warn("{}; the result of this attempt is dropped", e.getMessage()); // the message names the task
        return false;
      }
    } else if (after == null) {
      log.warn("{}; the result of this attempt is dropped", // the message names the task
          new LeaseLostException(t.lease().taskId(), t.lease().attempt()).getMessage());
      return false;
    }
    if (event == null) {
      return true;
    }
    if (event.isFinal()) {
      events.onFinal(after, event);
    } else {
      events.publish(event, after, null);
    }
    return true;
  }

  /**
   * Ends {@code t} and claims the worker's next task in one call, while a backlog is likely (as
   * {@link #claimNext} would claim it right after); sets {@code next.claimed} when it did.
   *
   * @return the task after the change, or null (lease lost, or not done: see {@code next.claimed})
   */
  private Task finishAndClaim(RunningTask t, Outcome outcome, Next next) {
    if (!backlog || stopping) {
      return null;
    }
    claimGate.readLock().lock(); // as in claimNext
    try {
      if (stopping) {
        return null;
      }
      Handover h = backend.finishAndClaim(t.lease(), outcome, config.claim(1, Duration.ZERO));
      next.claimed = true;
      if (h.claimed().isEmpty()) {
        backlog = false;
      } else {
        next.task = register(h.claimed().get(0));
      }
      return h.finished();
    } finally {
      claimGate.readLock().unlock();
    }
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until stopping or {@code d} passes; true when stopping. */
  private boolean awaitStopping(Duration d) {
    lock.lock();
    try {
      long wait = d.toNanos();
      while (!stopping && wait > 0) {
        wait = changed.awaitNanos(wait);
      }
      return stopping;
    } catch (InterruptedException e) {
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops claiming, lets running tasks finish for the drain timeout, then stops the rest and gives their
   * leases back so they run again. Returns when every thread of the pool has ended.
   */
  @Override
  public void close() {
    if (stopping) {
      return;
    }
    stopping = true;
    dispatcher.interrupt();
    joinQuietly(dispatcher);
    claimGate.writeLock().lock(); // waits out the workers' claims in flight; see claimGate
    claimGate.writeLock().unlock();
    awaitIdle(config.drainTimeout());
    for (RunningTask t : running) {
      log.info("task {}: still running at shutdown; stopping it", t.lease().taskId());
      t.stop(StopReason.SHUTDOWN);
    }
    awaitIdle(config.stopTimeout());
    executor.shutdown();
    for (RunningTask t : running) {
      // A handler that ignores its stop signal: interrupt it, and give the lease back ourselves; if it
      // finishes later, it records nothing (takeEnd).
      Thread th = t.thread;
      if (th != null) {
        th.interrupt();
      }
      t.end();
      if (!t.takeEnd()) {
        continue; // its worker is recording the end right now
      }
      try {
        backend.finish(t.lease(), new Outcome.Released());
        log.warn("task {}: its worker did not stop in time; the task was released", t.lease().taskId());
      } catch (RuntimeException e) {
        log.warn("task {}: could not release it: {}", t.lease().taskId(), e.toString());
      }
    }
    try {
      if (executor.awaitTermination(config.stopTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        workerThreads.forEach(WorkerPool::joinQuietly); // each is past its last task: it ends at once
      } else {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    supervisor.close();
  }

  private void awaitIdle(Duration d) {
    lock.lock();
    try {
      long wait = d.toNanos();
      while (!running.isEmpty() && wait > 0) {
        wait = changed.awaitNanos(wait);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  static void joinQuietly(Thread t) {
    try {
      t.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
