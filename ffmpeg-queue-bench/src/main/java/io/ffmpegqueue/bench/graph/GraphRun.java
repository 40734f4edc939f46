package io.ffmpegqueue.bench.graph;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.spi.QueueBackend;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.concurrent.locks.LockSupport;

/**
 * One run of {@link GraphBench}: a root, N children and a last task, with the edges root -> child -> join or
 * without any, enqueued with the workers stopped, then drained.
 */
final class GraphRun {
  private static final long MAX_RUN_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final Path inputs;
  private final int workers;
  private final int producers;

  GraphRun(Path inputs, int workers, int producers) {
    this.inputs = inputs;
    this.workers = workers;
    this.producers = producers;
  }

  /**
   * What one run took.
   *
   * @param enqueueSeconds from the root's submission to the join's
   * @param drainSeconds from the workers' start to the last task's end
   * @param joinLagMillis from the last child's completion to the join's start, on the backend's clock (graph runs
   *     only; NaN without edges)
   * @param jvmCpuSeconds CPU this JVM used over enqueue and drain (all threads, GC and JIT included)
   * @param serverCpuSeconds CPU the database server used meanwhile (0 for the in-memory backend)
   */
  record Result(int tasks, double enqueueSeconds, double drainSeconds, double joinLagMillis, double jvmCpuSeconds,
      double serverCpuSeconds) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%,d tasks: enqueue %.2f s (%,.0f/s), drain %.2f s (%,.0f/s),"
          + " last child -> join start %.2f ms, CPU %.2f s + %.2f s", tasks, enqueueSeconds, tasks / enqueueSeconds,
          drainSeconds, tasks / drainSeconds, joinLagMillis, jvmCpuSeconds, serverCpuSeconds);
    }
  }

  Result run(QueueBackend backend, DoubleSupplier serverCpu, Runnable drained, boolean edges, int children)
      throws Exception {
    AtomicInteger handled = new AtomicInteger();
    double jvm0 = jvmCpuSeconds();
    double server0 = serverCpu.getAsDouble();
    try (FfmpegQueue submitter = FfmpegQueue.builder().backend(backend).workers(0)
        .fetcher(FileInputFetcher.allowing(inputs)).build()) {
      long t0 = System.nanoTime();
      TaskId root = submitter.submit(noOp(List.of())).id();
      TaskId[] ids = new TaskId[children];
      List<TaskId> parents = edges ? List.of(root) : List.of();
      List<Thread> threads = new ArrayList<>();
      Throwable[] failure = new Throwable[1];
      for (int p = 0; p < producers; p++) {
        int first = p;
        Thread t = new Thread(() -> {
          try {
            for (int i = first; i < children; i += producers) {
              ids[i] = submitter.submit(noOp(parents)).id();
            }
          } catch (Throwable e) {
            failure[0] = e;
          }
        }, "producer-" + p);
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join();
      }
      if (failure[0] != null) {
        throw new IllegalStateException("a producer failed", failure[0]);
      }
      TaskId join = submitter.submit(edges ? TaskRequest.builder().after(Arrays.asList(ids)).build()
          : noOp(List.of())).id();
      long t1 = System.nanoTime();
      int handlers = edges ? children + 1 : children + 2; // a join runs no handler
      FfmpegQueue work = FfmpegQueue.builder().backend(backend).workers(workers).handler(ctx -> {
        handled.incrementAndGet();
        return List.of();
      }).build();
      long t2;
      try {
        long deadline = t1 + MAX_RUN_NANOS;
        // Polled only at the end (after the last handler): counting would load the backend meanwhile.
        while (handled.get() < handlers || remaining(backend) > 0) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the run did not finish: " + backend.counts());
          }
          LockSupport.parkNanos(handled.get() < handlers ? 5_000_000 : 1_000_000); // pacing, not synchronisation
        }
        t2 = System.nanoTime();
      } finally {
        work.close();
      }
      double jvm = jvmCpuSeconds() - jvm0;
      double server = serverCpu.getAsDouble() - server0;
      drained.run(); // before the reads below, which are the benchmark's, not the queue's
      Map<TaskStatus, Long> counts = backend.counts();
      if (counts.get(TaskStatus.COMPLETED) != children + 2) {
        throw new IllegalStateException("not every task completed: " + counts);
      }
      return new Result(children + 2, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
          edges ? joinLag(backend, root, join) : Double.NaN, jvm, server);
    }
  }

  private static double jvmCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e9;
  }

  private static long remaining(QueueBackend backend) {
    Map<TaskStatus, Long> c = backend.counts();
    return c.get(TaskStatus.PENDING) + c.get(TaskStatus.RUNNING);
  }

  /** The join's start less the last child's completion, as the backend stored both. */
  private static double joinLag(QueueBackend backend, TaskId root, TaskId join) {
    Instant last = Instant.MIN;
    for (int offset = 0; ; offset += TaskQuery.MAX_LIMIT) {
      List<Task> page = backend.list(new TaskQuery(TaskStatus.COMPLETED, TaskQuery.MAX_LIMIT, offset));
      for (Task t : page) {
        if (!t.id().equals(root) && !t.id().equals(join) && t.finishedAt().isAfter(last)) {
          last = t.finishedAt();
        }
      }
      if (page.size() < TaskQuery.MAX_LIMIT) {
        break;
      }
    }
    Instant started = backend.find(join).orElseThrow().startedAt();
    return Duration.between(last, started).toNanos() / 1e6;
  }

  private TaskRequest noOp(List<TaskId> parents) {
    return TaskRequest.builder()
        .command("-i input.mp4 -c:v libx264 output.mp4")
        .input("input.mp4", inputs.resolve("input.mp4").toUri())
        .output("output.mp4")
        .after(parents)
        .build();
  }
}
