package io.ffmpegqueue.amqp;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Something that happens again and again (a connection recovered, room freed in the queue), counted, so
 * that a thread waits for the next time after the one it saw instead of polling.
 */
final class Signal {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition fired = lock.newCondition();
  private long generation;

  /** How many times it has fired. */
  long generation() {
    lock.lock();
    try {
      return generation;
    } finally {
      lock.unlock();
    }
  }

  /** Waits up to {@code millis} for it to fire after {@code seen}; returns whether it did. */
  boolean awaitAfter(long seen, long millis) throws InterruptedException {
    long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
    lock.lock();
    try {
      while (generation == seen && nanos > 0) {
        nanos = fired.awaitNanos(nanos);
      }
      return generation != seen;
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every waiter. */
  void fire() {
    lock.lock();
    try {
      generation++;
      fired.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
