package io.ffmpegqueue.postgres.internal;

/**
 * Decides when an enqueue must count the pending tasks exactly. Counting on every enqueue would make
 * enqueue cost grow with the queue; so a process trusts its last count (plus its own enqueues since) while
 * that is well below the capacity and less than a second old, and counts exactly, under an advisory lock
 * that serialises such enqueues, only near the limit or when its count is stale. Across processes the limit
 * can thus be passed by at most about one second of other processes' enqueues while far from it.
 */
public final class CapacityGate {
  private static final long STALE_NANOS = 1_000_000_000L;

  private final int capacity;
  private final int margin;
  private long counted = -1;
  private long countedAtNanos;
  private long addedSince;

  /** A gate for {@code capacity} pending tasks. */
  public CapacityGate(int capacity) {
    this.capacity = capacity;
    this.margin = Math.max(1, capacity / 10);
  }

  /** The most pending tasks. */
  public int capacity() {
    return capacity;
  }

  /** Whether the next enqueue must count exactly. */
  public synchronized boolean exactNeeded() {
    return counted < 0
        || System.nanoTime() - countedAtNanos > STALE_NANOS
        || counted + addedSince >= capacity - margin;
  }

  /** Records an exact count. */
  public synchronized void counted(long pending) {
    counted = pending;
    countedAtNanos = System.nanoTime();
    addedSince = 0;
  }

  /** Records an enqueue of this process. */
  public synchronized void added() {
    addedSince++;
  }
}
