package io.ffmpegqueue;

import io.ffmpegqueue.io.FetchRequest;
import io.ffmpegqueue.io.InputFetcher;
import io.ffmpegqueue.spi.TaskContext;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Small helpers shared by the worker tests. */
final class Fixtures {
  private Fixtures() {}

  /** A queue builder tuned for fast tests: short waits, short leases. */
  static FfmpegQueue.Builder fastQueue() {
    return FfmpegQueue.builder()
        .pollWait(Duration.ofMillis(200))
        .leaseDuration(Duration.ofSeconds(5))
        .heartbeatInterval(Duration.ofMillis(500))
        .reapInterval(Duration.ofMillis(200))
        .drainTimeout(Duration.ofSeconds(5))
        .stopTimeout(Duration.ofSeconds(5))
        .fetcher(new NoopFetcher())
        .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(50)).build());
  }

  static TaskRequest request() {
    return TaskRequest.builder().command("-i input.mp4 output.mp4")
        .input("input.mp4", URI.create("test://source/input.mp4")).output("output.mp4").build();
  }

  static List<TaskOutput> outputs(TaskContext ctx) {
    return List.of(new TaskOutput("output.mp4", URI.create("mem:/" + ctx.task().id() + "/output.mp4"), 1, null, null, null, null));
  }

  /** Blocks until the task is asked to stop, as ffmpeg would run until killed. */
  static List<TaskOutput> runUntilStopped(TaskContext ctx) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Subscription s = ctx.onStop(stopped::countDown);
    try {
      if (!stopped.await(60, TimeUnit.SECONDS)) {
        throw new AssertionError("never stopped");
      }
    } finally {
      s.close();
    }
    return List.of();
  }

  /** A clock that stays where the test puts it (a queue's {@code clock(now::get)}), from 2026-01-01. */
  static AtomicReference<Instant> clock() {
    return new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /**
   * Runs the driver's ready tasks on this thread until none is left, moving {@code now} a minute on after
   * each attempt so that a retry's backoff has passed; listeners have their events and completion futures
   * are done when it returns.
   *
   * @return how many attempts ran
   */
  static int runUntilDone(WorkerDriver driver, AtomicReference<Instant> now) {
    int runs = 0;
    while (driver.runNext().isPresent()) {
      runs++;
      now.updateAndGet(t -> t.plus(Duration.ofMinutes(1)));
    }
    if (!driver.awaitEventsDelivered(Duration.ofSeconds(10))) {
      throw new AssertionError("listeners did not take the queue's events");
    }
    return runs;
  }

  /** Serves the test: scheme; the handlers under test never fetch. */
  static final class NoopFetcher implements InputFetcher {
    @Override
    public Set<String> schemes() {
      return Set.of("test");
    }

    @Override
    public void fetch(FetchRequest request) {}
  }
}
