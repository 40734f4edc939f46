package io.ffmpegqueue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.LeaseState;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.Renewal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Redis killed (SIGKILL) and restarted with AOF {@code always} while tasks are pending, delayed, running and
 * finished: nothing is lost, a worker's lease is still its own, and a queue's workers reconnect by themselves.
 */
class RedisRestartIT {
  private static final Duration LEASE = Duration.ofMinutes(2);

  private static TaskRequest request() {
    return TaskRequest.builder().command("-i input.mp4 output.mp4")
        .input("input.mp4", URI.create("https://example.com/a.mp4")).output("output.mp4").build();
  }

  @Test
  void a_killed_and_restarted_redis_with_aof_always_loses_no_task_and_the_workers_reconnect_by_themselves()
      throws Exception {
    try (TestRedis server = TestRedis.start("--appendonly", "yes", "--appendfsync", "always");
         RedisQueueBackend backend = server.backend().build();
         RedisQueueBackend queueBackend = server.backend().build();
         FfmpegQueue queue = FfmpegQueue.builder().backend(queueBackend).workers(2)
             .handler(ctx -> List.of()).build()) {
      Task done = backend.enqueue(Task.pending(TaskId.random(), request(), Instant.now())).task();
      backend.finish(claim(backend), new Outcome.Completed(List.of()));
      Task running = backend.enqueue(Task.pending(TaskId.random(), request(), Instant.now())).task();
      Lease lease = claim(backend);
      Task delayed = backend.enqueue(Task.pending(TaskId.random(), request(), Instant.now())).task();
      backend.finish(claim(backend), new Outcome.Failed(TaskError.of(ErrorKind.INPUT, "HTTP 503"),
          Instant.now().plus(Duration.ofHours(1))));
      Task pending = backend.enqueue(Task.pending(TaskId.random(), request(), Instant.now())).task();
      Task cancelled = backend.enqueue(Task.pending(TaskId.random(), request(), Instant.now())).task();
      backend.cancel(cancelled.id());
      TaskId before = queue.submit(request()).id();
      await().atMost(Duration.ofSeconds(30)).until(() -> queue.find(before).orElseThrow().status().isFinal());
      Map<TaskStatus, Long> counts = backend.counts();

      server.kill();
      server.restart();

      assertThat(backend.counts()).isEqualTo(counts);
      assertThat(backend.find(done.id()).orElseThrow().status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(backend.find(running.id()).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
      assertThat(backend.find(delayed.id()).orElseThrow().status()).isEqualTo(TaskStatus.PENDING);
      assertThat(backend.find(delayed.id()).orElseThrow().attempt()).isEqualTo(1);
      assertThat(backend.find(pending.id()).orElseThrow().status()).isEqualTo(TaskStatus.PENDING);
      assertThat(backend.find(cancelled.id()).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
      assertThat(backend.renew(new Renewal(lease, 0.5, LEASE))).as("the lease survived").isEqualTo(LeaseState.ACTIVE);
      assertThat(backend.finish(lease, new Outcome.Completed(List.of())).status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(claim(backend).taskId()).as("the pending task is still ready").isEqualTo(pending.id());
      assertThat(queue.find(before).orElseThrow().status()).isEqualTo(TaskStatus.COMPLETED);

      // The queue's idle workers were waiting on the subscription that Redis dropped: they hear new work again.
      TaskId after = queue.submit(request()).id();
      await().atMost(Duration.ofSeconds(30)).until(() -> queue.find(after).orElseThrow().status().isFinal());
      assertThat(queue.find(after).orElseThrow().status()).isEqualTo(TaskStatus.COMPLETED);
    }
  }

  private static Lease claim(RedisQueueBackend b) throws InterruptedException {
    List<Lease> l = b.claim(new ClaimRequest("worker-a", 1, LEASE, Duration.ofSeconds(10)));
    assertThat(l).hasSize(1);
    return l.get(0);
  }
}
