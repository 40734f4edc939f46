package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.spi.ForwardingQueueBackend;
import io.ffmpegqueue.spi.LeaseState;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.Renewal;
import io.ffmpegqueue.spi.StopReason;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LeaseLossTest {
  /** A backend seen through a network that drops this worker's heartbeats. */
  static final class PartitionedBackend extends ForwardingQueueBackend {
    volatile boolean partitioned;

    PartitionedBackend(QueueBackend delegate) {
      super(delegate);
    }

    @Override
    public LeaseState renew(Renewal renewal) {
      if (partitioned) {
        throw new IllegalStateException("connection refused");
      }
      return super.renew(renewal);
    }

    @Override
    public List<Task> reapExpiredLeases() {
      return partitioned ? List.of() : super.reapExpiredLeases();
    }
  }

  @Test
  void a_worker_that_lost_its_lease_cannot_overwrite_the_newer_attempts_result() throws Exception {
    InMemoryQueueBackend shared = InMemoryQueueBackend.create();
    PartitionedBackend viaA = new PartitionedBackend(shared);
    CountDownLatch aRunning = new CountDownLatch(1);
    CountDownLatch bDone = new CountDownLatch(1);
    AtomicReference<StopReason> aStop = new AtomicReference<>();
    URI aOutput = URI.create("mem:/from-a");
    URI bOutput = URI.create("mem:/from-b");

    try (FfmpegQueue a = Fixtures.fastQueue().backend(viaA).workerId("worker-a")
        .leaseDuration(Duration.ofMillis(600)).heartbeatInterval(Duration.ofMillis(100))
        .handler(ctx -> {
          aRunning.countDown();
          // A stalls in a partition until B has completed the task, then tries to write its own result.
          bDone.await(20, TimeUnit.SECONDS);
          aStop.set(ctx.stopReason());
          return List.of(new TaskOutput("output.mp4", aOutput, 1, null, null, null, null));
        }).build()) {
      Submission s = a.submit(Fixtures.request());
      assertThat(aRunning.await(5, TimeUnit.SECONDS)).isTrue();
      viaA.partitioned = true;

      try (FfmpegQueue b = Fixtures.fastQueue().backend(shared).workerId("worker-b")
          .handler(ctx -> List.of(new TaskOutput("output.mp4", bOutput, 2, null, null, null, null)))
          .listener(TaskEvent.Type.COMPLETED, e -> bDone.countDown())
          .build()) {
        await().atMost(Duration.ofSeconds(10)).until(() -> bDone.getCount() == 0);
        Task done = b.find(s.id()).orElseThrow();
        assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(done.attempt()).isGreaterThanOrEqualTo(2); // A may have taken another attempt before B
        assertThat(done.outputs().get(0).uri()).isEqualTo(bOutput);

        viaA.partitioned = false; // A's heartbeat now learns the lease is gone, and its write is refused
        await().atMost(Duration.ofSeconds(10)).until(() -> a.activeWorkers() == 0);
        assertThat(shared.find(s.id()).orElseThrow().outputs().get(0).uri()).isEqualTo(bOutput);
      }
    }
  }

  @Test
  void a_heartbeat_that_finds_the_lease_lost_stops_the_task() throws Exception {
    InMemoryQueueBackend shared = InMemoryQueueBackend.create();
    PartitionedBackend viaA = new PartitionedBackend(shared);
    AtomicReference<StopReason> seen = new AtomicReference<>();
    CountDownLatch running = new CountDownLatch(1);
    try (FfmpegQueue a = Fixtures.fastQueue().backend(viaA).leaseDuration(Duration.ofMillis(400)).drainTimeout(Duration.ZERO)
        .heartbeatInterval(Duration.ofMillis(100)).handler(ctx -> {
          running.countDown();
          Fixtures.runUntilStopped(ctx);
          seen.set(ctx.stopReason());
          return List.of();
        }).build()) {
      Submission s = a.submit(Fixtures.request());
      assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
      viaA.partitioned = true;
      await().atMost(Duration.ofSeconds(5)).until(() -> !shared.reapExpiredLeases().isEmpty());
      viaA.partitioned = false;
      await().atMost(Duration.ofSeconds(5)).until(() -> seen.get() != null);
      assertThat(seen.get()).isEqualTo(StopReason.LEASE_LOST);
      // The task went back to the queue for another attempt, not failed by the worker that lost it.
      assertThat(shared.find(s.id()).orElseThrow().attempt()).isGreaterThanOrEqualTo(1);
      assertThat(shared.find(s.id()).orElseThrow().status()).isNotIn(TaskStatus.FAILED, TaskStatus.CANCELLED);
    }
  }
}
