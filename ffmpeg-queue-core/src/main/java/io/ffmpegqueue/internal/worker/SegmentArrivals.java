package io.ffmpegqueue.internal.worker;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Which segments of a folder input have arrived in the workspace, as the fetch reports them and the feeds to
 * ffmpeg wait for them; or the failure that ended the fetch, which every waiting feed then gets.
 */
final class SegmentArrivals {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final boolean[] arrived;
  private RuntimeException failure;

  SegmentArrivals(int segments) {
    this.arrived = new boolean[segments];
  }

  /** Segment {@code index} (in the fetch order) is complete. */
  void arrived(int index) {
    lock.lock();
    try {
      arrived[index] = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The fetch failed with {@code e} (the first failure is kept); waiting feeds get it. */
  void failed(RuntimeException e) {
    lock.lock();
    try {
      if (failure == null) {
        failure = e;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The failure the fetch ended with, or {@code null}. */
  RuntimeException failure() {
    lock.lock();
    try {
      return failure;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until segment {@code index} is complete.
   *
   * @throws RuntimeException the fetch's failure, when it failed before
   */
  void await(int index) throws InterruptedException {
    lock.lock();
    try {
      while (!arrived[index] && failure == null) {
        changed.await();
      }
      if (!arrived[index]) {
        throw failure;
      }
    } finally {
      lock.unlock();
    }
  }
}
