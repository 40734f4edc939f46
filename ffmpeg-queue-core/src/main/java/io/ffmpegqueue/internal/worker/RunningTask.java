package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.ffmpeg.Progress;
import io.ffmpegqueue.internal.events.TaskEvents;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.LeaseState;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.Renewal;
import io.ffmpegqueue.spi.StopReason;
import io.ffmpegqueue.spi.TaskContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One attempt in progress on this worker: its lease, its stop signal and its progress. */
final class RunningTask implements TaskContext {
  private static final Logger log = LoggerFactory.getLogger(RunningTask.class);
  // Progress events at most this often, but the last one (1.0) always.
  private static final long PROGRESS_EVENT_INTERVAL_NANOS = Duration.ofMillis(200).toNanos();

  private final Lease lease;
  private final WorkerConfig config;
  private final QueueBackend backend;
  private final TaskEvents events;
  private final WorkerCounters counters;
  private final Instant deadline;
  // Made on the first onStop(): most handlers (and every no-op one) register none. Guarded by this.
  private List<Runnable> stopActions;
  private volatile StopReason stopReason;
  private volatile Double progress;
  // The latest progress in full, not yet relayed by a renewal (guarded by this).
  private Progress unrelayed;
  private volatile boolean ended;
  private final AtomicBoolean recorded = new AtomicBoolean();
  private long lastProgressEventNanos;
  private long lastRenewNanos;
  // Progress reported since the last renew, not written yet (guarded by this): the supervisor writes it once
  // progressInterval has passed, so that a task whose progress then stops moving (a slow pass, a stalled
  // input) shows its latest value within about that time rather than at the next heartbeat.
  private boolean unsavedProgress;
  private final Runnable wakeSupervisor;
  volatile Thread thread;

  RunningTask(Lease lease, WorkerConfig config, QueueBackend backend, TaskEvents events,
      WorkerCounters counters, Runnable wakeSupervisor) {
    this.lease = lease;
    this.wakeSupervisor = wakeSupervisor;
    this.counters = counters;
    this.config = config;
    this.backend = backend;
    this.events = events;
    Task t = lease.task();
    Duration timeout = t.request().timeout() != null ? t.request().timeout() : config.defaultTimeout();
    Instant started = t.startedAt() != null ? t.startedAt() : config.clock().instant();
    this.deadline = started.plus(timeout);
    this.lastRenewNanos = System.nanoTime();
    this.lastProgressEventNanos = lastRenewNanos - PROGRESS_EVENT_INTERVAL_NANOS; // the first one goes out
  }

  Lease lease() {
    return lease;
  }

  @Override
  public Task task() {
    return lease.task();
  }

  @Override
  public Instant deadline() {
    return deadline;
  }

  @Override
  public StopReason stopReason() {
    return stopReason;
  }

  Double progress() {
    return progress;
  }

  @Override
  public void reportProgress(Progress p) {
    if (ended || p == null) {
      return;
    }
    progress = p.fraction();
    long now = System.nanoTime();
    boolean publish;
    boolean renew;
    boolean wake;
    synchronized (this) {
      unrelayed = p;
      boolean last = p.fraction() != null && p.fraction() >= 1.0;
      publish = last || now - lastProgressEventNanos >= PROGRESS_EVENT_INTERVAL_NANOS;
      if (publish) {
        lastProgressEventNanos = now;
      }
      renew = now - lastRenewNanos >= config.progressInterval().toNanos();
      wake = !renew && !unsavedProgress;
      unsavedProgress = !renew;
    }
    if (wake) {
      wakeSupervisor.run();
    }
    if (publish && events.hasListeners()) {
      events.publish(TaskEvent.Type.PROGRESS, lease.task().toBuilder().progress(p.fraction()).build(), p);
    }
    if (renew) {
      renew();
    }
  }

  /** Extends the lease with the latest progress; stops the task when the lease is lost or cancel requested. */
  void renew() {
    if (ended) {
      return;
    }
    Progress detail;
    synchronized (this) {
      lastRenewNanos = System.nanoTime();
      unsavedProgress = false;
      detail = unrelayed;
      unrelayed = null;
    }
    LeaseState state;
    try {
      state = backend.renew(new Renewal(lease, detail == null ? progress : detail.fraction(), config.leaseDuration(),
          detail));
    } catch (RuntimeException e) {
      // A backend that is briefly away: the lease lasts several heartbeats, so try again next time.
      log.warn("task {}: could not renew its lease: {}", lease.taskId(), e.toString());
      return;
    }
    if (state == LeaseState.LOST) {
      counters.leasesLost.increment();
      log.warn("task {}: attempt {} lost its lease; stopping it", lease.taskId(), lease.attempt());
      stop(StopReason.LEASE_LOST);
    } else {
      counters.leaseRenewals.increment();
      if (state == LeaseState.CANCEL_REQUESTED) {
        stop(StopReason.CANCELLED);
      }
    }
  }

  boolean renewDue(long nowNanos) {
    synchronized (this) {
      return nowNanos - nextRenewNanos() >= 0;
    }
  }

  /** When the supervisor renews next: a heartbeat after the last renew, sooner when progress waits to be written. */
  long nextRenewNanos() {
    synchronized (this) {
      long heartbeat = config.heartbeatInterval().toNanos();
      return lastRenewNanos + (unsavedProgress ? Math.min(heartbeat, config.progressInterval().toNanos()) : heartbeat);
    }
  }

  /** Asks the task to stop; the first reason wins. Runs the stop actions on this thread. */
  void stop(StopReason reason) {
    List<Runnable> actions;
    synchronized (this) {
      if (stopReason != null || ended) {
        return;
      }
      stopReason = reason;
      actions = stopActions == null ? List.of() : new ArrayList<>(stopActions);
    }
    for (Runnable r : actions) {
      runQuietly(r);
    }
  }

  @Override
  public Subscription onStop(Runnable action) {
    synchronized (this) {
      if (stopReason == null) {
        if (stopActions == null) {
          stopActions = new ArrayList<>(2);
        }
        stopActions.add(action);
        return () -> {
          synchronized (RunningTask.this) {
            if (stopActions != null) {
              stopActions.remove(action);
            }
          }
        };
      }
    }
    runQuietly(action);
    return () -> { };
  }

  /**
   * Whether the caller may record the attempt's end with the backend: true once only, so that the worker
   * and a shutdown that releases the task for it never both write (a release makes the lease's number
   * reusable; see {@link io.ffmpegqueue.spi.Outcome.Released}).
   */
  boolean takeEnd() {
    return recorded.compareAndSet(false, true);
  }

  /** The attempt is over: later progress and stop requests are ignored. */
  void end() {
    synchronized (this) {
      ended = true;
      stopActions = null;
    }
  }

  private void runQuietly(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("task {}: a stop action failed", lease.taskId(), e);
    }
  }
}
