package io.ffmpegqueue.redis;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where idle claimers wait for work: a generation number that each wake-up (a local enqueue, a notice of
 * new work, a reconnect) increases. A claimer reads the generation before it looks for work and waits only
 * while it is unchanged, so a wake-up between the look and the wait is never missed.
 */
final class WakeUps {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private long generation;

  /** The current generation; read it before looking for work. */
  long generation() {
    lock.lock();
    try {
      return generation;
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every waiting claimer. */
  void wakeAll() {
    lock.lock();
    try {
      generation++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the generation moves past {@code seen} or {@code nanos} pass.
   *
   * @throws InterruptedException when interrupted
   */
  void await(long seen, long nanos) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      long left = nanos;
      while (generation == seen && left > 0) {
        left = changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }
}
