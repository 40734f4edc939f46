package io.ffmpegqueue.postgres.internal;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Decides which enqueues of this process carry a "work is ready" notice. A notice costs every listening
 * process a wake-up and serialises commits on the server's notice queue, and one notice wakes every idle
 * worker, which then claims all the ready work there is. So at most one notice goes out per
 * {@code window}: an enqueue inside the window goes without, and a single trailing notice at the window's end
 * covers it. An idle worker elsewhere thus hears of new work within the window at worst, and at once when
 * enqueues are sparse.
 */
public final class ReadyNotices implements AutoCloseable {
  private final long windowNanos;
  private final Runnable trailing;
  private final ScheduledExecutorService timer;
  private long lastNanos;
  private boolean sent;
  private boolean trailingDue;

  /**
   * Notices at most every {@code windowNanos}; {@code trailing} sends one outside any write.
   */
  public ReadyNotices(long windowNanos, Runnable trailing) {
    this.windowNanos = windowNanos;
    this.trailing = trailing;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ffq-pg-notices");
      t.setDaemon(true);
      return t;
    });
  }

  /** Whether this enqueue sends the notice itself (else a trailing one is on its way). */
  public synchronized boolean claimInline() {
    long now = System.nanoTime();
    if (!sent || now - lastNanos >= windowNanos) {
      sent = true;
      lastNanos = now;
      return true;
    }
    if (!trailingDue) {
      trailingDue = true;
      long delay = Math.max(0, lastNanos + windowNanos - now);
      try {
        timer.schedule(this::sendTrailing, delay, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        trailingDue = false; // closing
      }
    }
    return false;
  }

  private void sendTrailing() {
    synchronized (this) {
      trailingDue = false;
      lastNanos = System.nanoTime();
    }
    trailing.run();
  }

  /** Stops the timer; a trailing notice not yet sent is dropped (the poll covers it). */
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
