package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.memory.InMemoryQueueBackend;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Workers that take their next task themselves while a backlog lasts (see WorkerPool#work). */
class WorkerBacklogTest {
  private static final int TASKS = 3_000;

  private static TaskRequest request(int i) {
    return TaskRequest.builder().command("-f lavfi -i testsrc=d=1 out.mp4").output("out.mp4").metadata("n", Integer.toString(i)).build();
  }

  @Test
  void a_backlog_runs_every_task_exactly_once_and_never_more_at_once_than_the_workers() {
    Map<TaskId, AtomicInteger> runs = new ConcurrentHashMap<>();
    AtomicInteger active = new AtomicInteger();
    AtomicInteger mostActive = new AtomicInteger();
    InMemoryQueueBackend backend = InMemoryQueueBackend.builder().capacity(TASKS).retentionCount(TASKS).build();
    try (FfmpegQueue queue = FfmpegQueue.builder()
        .backend(backend)
        .workers(3)
        .handler(ctx -> {
          mostActive.accumulateAndGet(active.incrementAndGet(), Math::max);
          runs.computeIfAbsent(ctx.task().id(), id -> new AtomicInteger()).incrementAndGet();
          LockSupport.parkNanos(20_000); // a little work, so that tasks overlap
          active.decrementAndGet();
          return List.of();
        })
        .build()) {
      for (int i = 0; i < TASKS; i++) {
        queue.submit(request(i));
      }
      await().atMost(Duration.ofSeconds(60))
          .until(() -> queue.counts().get(TaskStatus.COMPLETED) == TASKS);
    }
    assertThat(runs).hasSize(TASKS);
    assertThat(runs.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    assertThat(mostActive.get()).isBetween(1, 3);
    assertThat(backend.counts().get(TaskStatus.RUNNING)).isZero();
  }

  @RepeatedTest(3)
  void closing_during_a_backlog_loses_no_task_and_leaves_no_worker_thread() {
    int quick = 200;
    InMemoryQueueBackend backend = InMemoryQueueBackend.builder().capacity(TASKS).retentionCount(TASKS).build();
    FfmpegQueue queue = FfmpegQueue.builder()
        .backend(backend)
        .workers(2)
        .drainTimeout(Duration.ZERO) // stop what runs at once: those tasks must go back to PENDING
        .handler(ctx -> {
          if (Integer.parseInt(ctx.task().request().metadata().get("n")) < quick) {
            return List.of();
          }
          // Later tasks run until they are told to stop, so close() meets a backlog and busy workers.
          CountDownLatch stop = new CountDownLatch(1);
          ctx.onStop(stop::countDown);
          stop.await(30, TimeUnit.SECONDS);
          return List.of();
        })
        .build();
    for (int i = 0; i < TASKS; i++) {
      queue.submit(request(i));
    }
    await().atMost(Duration.ofSeconds(30))
        .until(() -> queue.counts().get(TaskStatus.COMPLETED) == quick && queue.activeWorkers() == 2);

    queue.close();

    Map<TaskStatus, Long> counts = backend.counts();
    assertThat(counts.get(TaskStatus.RUNNING)).isZero();
    assertThat(counts.get(TaskStatus.FAILED)).isZero();
    assertThat(counts.get(TaskStatus.COMPLETED)).isEqualTo(quick);
    assertThat(counts.get(TaskStatus.PENDING)).isEqualTo(TASKS - quick);
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(Thread::isAlive)
        .extracting(Thread::getName)
        .noneMatch(name -> name.startsWith("ffq-worker") || name.startsWith("ffq-dispatcher")
            || name.startsWith("ffq-supervisor"));
  }
}
