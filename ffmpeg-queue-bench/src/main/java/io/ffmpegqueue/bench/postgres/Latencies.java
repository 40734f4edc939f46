package io.ffmpegqueue.bench.postgres;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Collects each task's enqueue to start time, as the handlers report them, and counts the starts. */
public final class Latencies {
  private final long[] nanos;
  private final AtomicInteger next = new AtomicInteger();
  private final CountDownLatch all;

  public Latencies(int tasks) {
    this.nanos = new long[tasks];
    this.all = new CountDownLatch(tasks);
  }

  /** A handler started a task enqueued at {@code enqueuedNanos} (System.nanoTime of this JVM). */
  public void started(long enqueuedNanos) {
    long now = System.nanoTime();
    int i = next.getAndIncrement();
    if (i < nanos.length) {
      nanos[i] = now - enqueuedNanos;
    }
    all.countDown();
  }

  boolean await(long seconds) throws InterruptedException {
    return all.await(seconds, TimeUnit.SECONDS);
  }

  int started() {
    return next.get();
  }

  long[] values() {
    return nanos.clone();
  }
}
