package io.ffmpegqueue.bench.core;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/** The floor: a plain {@link ThreadPoolExecutor} with as many threads as the queue has workers. */
final class PoolSystem implements NoOpSystem {
  private final ThreadPoolExecutor pool;
  private final StartTimes starts;
  private final LongAdder done = new LongAdder();
  private final int threads;

  PoolSystem(int threads, StartTimes starts) {
    this.threads = threads;
    this.starts = starts;
    this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
    pool.prestartAllCoreThreads();
  }

  @Override
  public String name() {
    return "ThreadPoolExecutor (" + threads + " threads)";
  }

  @Override
  public void submit(int seq) {
    pool.execute(() -> {
      starts.started(seq);
      done.increment();
    });
  }

  @Override
  public long ran() {
    return done.sum();
  }

  @Override
  public boolean finished(int submitted) {
    return done.sum() >= submitted;
  }

  @Override
  public void close() {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
