package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.internal.submit.TaskSubmitter;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Drives a queue's workers by hand, on the caller's thread, for deterministic tests: the queue is built
 * with {@code FfmpegQueue.Builder.manualWorkers(this)}, starts no worker, dispatcher or supervisor thread,
 * and a task runs only when {@link #runNext()} is called. Used by {@code ffmpeg-queue-testing}; no
 * compatibility promise.
 */
public final class ManualWorkers {
  private WorkerPool pool;
  private TaskSubmitter submitter;

  /** A driver not yet attached to a queue. */
  public ManualWorkers() {}

  /** Called by the queue it drives, once. */
  public synchronized void attach(WorkerPool pool, TaskSubmitter submitter) {
    if (this.pool != null) {
      throw new IllegalStateException("these ManualWorkers already drive another queue");
    }
    this.pool = Objects.requireNonNull(pool, "pool");
    this.submitter = Objects.requireNonNull(submitter, "submitter");
  }

  private synchronized WorkerPool pool() {
    if (pool == null) {
      throw new IllegalStateException("these ManualWorkers drive no queue yet");
    }
    return pool;
  }

  /**
   * Claims one ready task and runs it on this thread, as a worker thread would.
   *
   * @return the id of the task that ran, or empty when none was ready
   */
  public Optional<TaskId> runNext() {
    return pool().runNext();
  }

  /** One supervisor pass on this thread: timeouts by the clock, lease renewals, reaping and pruning. */
  public void superviseOnce() {
    pool().superviseOnce();
  }

  /**
   * Waits until listeners have received every event published so far and completion futures are done.
   *
   * @return false when {@code timeout} passed first
   */
  public boolean awaitEventsDelivered(Duration timeout) {
    pool();
    return submitter.awaitEventsDelivered(timeout);
  }
}
