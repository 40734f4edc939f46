package io.ffmpegqueue;

import java.time.Duration;
import java.util.Optional;

/**
 * Runs a queue's workers one step at a time on the caller's thread, for deterministic tests (the testing
 * kit's harness is built on it): the queue starts no worker, dispatcher or supervisor thread, and a task
 * runs only when {@link #runNext()} is called, through the same path as a worker thread's (events, retry
 * policy, fencing).
 *
 * <pre>{@code
 * WorkerDriver driver = WorkerDriver.build(FfmpegQueue.builder().runner(fakeRunner).clock(clock));
 * Submission s = driver.queue().submit(request);
 * driver.runNext();                  // the task runs on this thread
 * clock.advance(Duration.ofHours(2));
 * driver.superviseOnce();            // timeouts, lease renewals, reaping, by the clock
 * }</pre>
 *
 * <p>Not for production: a queue built this way runs nothing unless driven.
 */
public interface WorkerDriver {

  /**
   * Builds {@code builder}'s queue without worker threads, driven by the returned driver.
   * {@link FfmpegQueue.Builder#workers(int)} is then how many tasks may run at once across callers.
   *
   * @throws IllegalArgumentException when the builder has no worker slot ({@code workers(0)})
   */
  static WorkerDriver build(FfmpegQueue.Builder builder) {
    return builder.buildDriven().driver();
  }

  /** The queue this driver runs the workers of. */
  FfmpegQueue queue();

  /**
   * Claims one ready task and runs it on this thread, as a worker thread would. Does not wait for work.
   *
   * @return the id of the task that ran, or empty when none was ready, no slot was free, or the queue is
   *     closing
   */
  Optional<TaskId> runNext();

  /**
   * One supervisor pass on this thread: renews every running task's lease, stops running tasks past their
   * deadline by the queue's clock, reaps expired leases and prunes final tasks past their retention.
   */
  void superviseOnce();

  /**
   * Waits until listeners have received every event published so far and completion futures are done.
   *
   * @return false when {@code timeout} passed first
   */
  boolean awaitEventsDelivered(Duration timeout);
}
