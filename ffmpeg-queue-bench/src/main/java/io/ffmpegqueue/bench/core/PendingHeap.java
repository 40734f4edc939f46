package io.ffmpegqueue.bench.core;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.memory.InMemoryQueueBackend;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The heap that pending tasks hold: a submit-only queue (no workers) is filled with distinct, typical
 * requests, and the used heap after a full GC is compared with the used heap before.
 */
final class PendingHeap {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private PendingHeap() {}

  /**
   * What {@code tasks} pending tasks held.
   *
   * @param tasks how many
   * @param bytes the used heap after GC with them, less the used heap after GC before
   */
  record Held(int tasks, long bytes) {
    double gib() {
      return bytes / (double) (1L << 30);
    }
  }

  static Held measure(int n) {
    System.out.printf("== Heap held by %,d pending tasks (distinct ids, command strings and input URLs; no workers)%n", n);
    long before = usedAfterGc();
    InMemoryQueueBackend backend = InMemoryQueueBackend.builder().capacity(n).build();
    try (FfmpegQueue queue = FfmpegQueue.builder()
        .backend(backend)
        .fetcher(new Requests.HttpsFetcher())
        .workers(0)
        .build()) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        queue.submit(Requests.distinct(i));
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      long after = usedAfterGc();
      if (queue.queueSize() != n) {
        throw new IllegalStateException("expected " + n + " pending tasks, found " + queue.queueSize());
      }
      long held = after - before;
      System.out.printf("  used heap after GC: %,d MiB before, %,d MiB after: %,d MiB held (%.2f GiB), %,d bytes per task%n",
          before >> 20, after >> 20, held >> 20, held / (double) (1L << 30), held / n);
      System.out.printf("  (filling it: %,.0f submissions/s, request building included)%n%n", n / seconds);
      return new Held(n, held);
    }
  }

  /** Used heap after full collections, repeated until it settles. */
  private static long usedAfterGc() {
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      long used = MEMORY.getHeapMemoryUsage().getUsed();
      if (Math.abs(last - used) < (1 << 20)) {
        return used;
      }
      last = used;
    }
    return last;
  }
}
