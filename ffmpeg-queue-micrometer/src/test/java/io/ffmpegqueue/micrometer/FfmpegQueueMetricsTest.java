package io.ffmpegqueue.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.RetryPolicy;
import io.ffmpegqueue.Submission;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.Progress;
import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.testing.FakeInputFetcher;
import io.ffmpegqueue.testing.FakeOutcome;
import io.ffmpegqueue.testing.FfmpegQueueHarness;
import io.ffmpegqueue.testing.ManualClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FfmpegQueueMetricsTest {

  private static TaskRequest request(int maxAttempts) {
    return TaskRequest.builder().command("-i in.mp4 out.mp4").input("in.mp4", "fake://media/in.mp4")
        .output("out.mp4").maxAttempts(maxAttempts).build();
  }

  @Test
  void a_scripted_run_shows_in_counters_timers_bytes_and_depth() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    byte[] output = new byte[1234];
    FakeInputFetcher fetcher = FakeInputFetcher.forSchemes("fake").serve("fake://media/in.mp4", new byte[500]);
    try (FfmpegQueueHarness h = FfmpegQueueHarness.builder().fetcher(fetcher)
            .queueOptions(b -> b.retryPolicy(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ZERO)
                .maxBackoff(Duration.ZERO).build()))
            .build()) {
      FfmpegQueueMetrics metrics = FfmpegQueueMetrics.bind(h.queue(), registry, Duration.ZERO);
      h.runner().enqueue(FakeOutcome.succeed(output))
          .enqueue(FakeOutcome.fail(1, "Conversion failed!"))
          .enqueue(FakeOutcome.fail(new TaskFailureException(ErrorKind.RESOURCES, "disk full", true)))
          .enqueue(FakeOutcome.succeed(output));
      h.submit(request(1));
      h.submit(request(1));
      h.submit(request(2));
      Submission cancelled = h.submit(request(1));
      h.cancel(cancelled.id());
      h.submit(request(1)); // stays pending
      assertThat(registry.get("ffq.queue.depth").tag("status", "pending").gauge().value()).isEqualTo(4);

      h.advance(Duration.ofSeconds(3));
      for (int i = 0; i < 4; i++) {
        h.runNext();
      }
      assertThat(h.counts().get(TaskStatus.PENDING)).isEqualTo(1);

      assertThat(registry.get("ffq.tasks.submitted").counter().count()).isEqualTo(5);
      assertThat(registry.get("ffq.tasks.completed").counter().count()).isEqualTo(2);
      assertThat(registry.get("ffq.tasks.cancelled").counter().count()).isEqualTo(1);
      assertThat(registry.get("ffq.tasks.failed").tag("kind", "ffmpeg").counter().count()).isEqualTo(1);
      assertThat(registry.get("ffq.tasks.retried").tag("kind", "resources").counter().count()).isEqualTo(1);
      assertThat(registry.get("ffq.bytes.stored").counter().count()).isEqualTo(2 * 1234);
      assertThat(registry.get("ffq.bytes.fetched").functionCounter().count()).isEqualTo(4 * 500);
      Timer wait = registry.get("ffq.task.queue.wait").timer();
      assertThat(wait.count()).isEqualTo(4);
      // The first attempts waited the 3 s the clock moved; the retry was due at once.
      assertThat(wait.max(TimeUnit.SECONDS)).isEqualTo(3.0);
      assertThat(registry.get("ffq.task.duration").tag("status", "completed").timer().count()).isEqualTo(2);
      assertThat(registry.get("ffq.task.duration").tag("status", "failed").timer().count()).isEqualTo(1);
      assertThat(registry.get("ffq.queue.depth").tag("status", "completed").gauge().value()).isEqualTo(2);
      assertThat(registry.get("ffq.queue.depth").tag("status", "failed").gauge().value()).isEqualTo(1);
      assertThat(registry.get("ffq.queue.depth").tag("status", "pending").gauge().value()).isEqualTo(1);
      assertThat(registry.get("ffq.workers.active").gauge().value()).isZero();

      metrics.close();
      assertThat(registry.find("ffq.tasks.submitted").meters()).isEmpty();
      assertThat(registry.find("ffq.tasks.failed").meters()).isEmpty();
    }
  }

  private static FfmpegQueueHarness process(SharedBackend backend, ManualClock clock) {
    FakeInputFetcher fetcher = FakeInputFetcher.forSchemes("fake").serve("fake://media/in.mp4", new byte[500]);
    return FfmpegQueueHarness.builder().clock(clock).fetcher(fetcher)
        .queueOptions(b -> b.backend(backend.view())).build();
  }

  private static double count(SimpleMeterRegistry registry, String name) {
    return registry.get(name).counter().count();
  }

  @Test
  void on_a_shared_backend_each_process_counts_only_what_it_did_itself() throws Exception {
    ManualClock clock = new ManualClock();
    SharedBackend backend = new SharedBackend(InMemoryQueueBackend.builder().clock(clock).build());
    SimpleMeterRegistry workerMeters = new SimpleMeterRegistry();
    SimpleMeterRegistry apiMeters = new SimpleMeterRegistry();
    try (FfmpegQueueHarness worker = process(backend, clock); FfmpegQueueHarness api = process(backend, clock)) {
      FfmpegQueueMetrics.bind(worker.queue(), workerMeters, Duration.ZERO);
      FfmpegQueueMetrics.bind(api.queue(), apiMeters, Duration.ZERO);
      worker.runner().enqueue(FakeOutcome.succeed(new byte[100]))
          .enqueue(FakeOutcome.fail(1, "Conversion failed!"))
          .enqueue(FakeOutcome.succeed(new byte[100]));

      Submission converted = api.submit(request(1));
      api.submit(request(1));
      worker.runNext();
      worker.runNext(); // the worker runs what the API process took in
      api.cancel(api.submit(request(1)).id());
      worker.submit(request(1));
      worker.runNext();
      // Both have heard everything: each one's listeners took the events of the other's changes.
      worker.tick();
      api.tick();
      assertThat(api.listener().eventsOf(converted.id())).filteredOn(TaskEvent::remote)
          .extracting(TaskEvent::type).containsExactly(TaskEvent.Type.STARTED, TaskEvent.Type.COMPLETED);

      assertThat(count(workerMeters, "ffq.tasks.submitted")).isEqualTo(1);
      assertThat(count(apiMeters, "ffq.tasks.submitted")).isEqualTo(3);
      assertThat(count(workerMeters, "ffq.tasks.completed")).isEqualTo(2);
      assertThat(count(apiMeters, "ffq.tasks.completed")).isZero();
      assertThat(workerMeters.get("ffq.tasks.failed").tag("kind", "ffmpeg").counter().count()).isEqualTo(1);
      assertThat(apiMeters.find("ffq.tasks.failed").counters()).isEmpty();
      assertThat(count(workerMeters, "ffq.tasks.cancelled")).isZero();
      assertThat(count(apiMeters, "ffq.tasks.cancelled")).isEqualTo(1);
      assertThat(count(workerMeters, "ffq.bytes.stored")).isEqualTo(200);
      assertThat(count(apiMeters, "ffq.bytes.stored")).isZero();
      assertThat(workerMeters.get("ffq.task.queue.wait").timer().count()).isEqualTo(3);
      assertThat(apiMeters.get("ffq.task.queue.wait").timer().count()).isZero();
      assertThat(workerMeters.get("ffq.task.duration").tag("status", "completed").timer().count()).isEqualTo(2);
      assertThat(apiMeters.find("ffq.task.duration").timers()).isEmpty();
      // Summed over both processes, every change counts once; the depth is the backend's, the same in both.
      assertThat(count(workerMeters, "ffq.tasks.submitted") + count(apiMeters, "ffq.tasks.submitted")).isEqualTo(4);
      for (TaskStatus s : TaskStatus.values()) {
        assertThat(apiMeters.get("ffq.queue.depth").tag("status", s.wireName()).gauge().value())
            .isEqualTo(workerMeters.get("ffq.queue.depth").tag("status", s.wireName()).gauge().value())
            .isEqualTo((double) worker.counts().get(s));
      }
      assertThat(workerMeters.get("ffq.queue.depth").tag("status", "completed").gauge().value()).isEqualTo(2);
    }
  }

  @Test
  void depth_gauges_ask_the_queue_once_per_refresh_interval() {
    int[] asks = {0};
    CachedCounts counts = new CachedCounts(() -> {
      asks[0]++;
      return java.util.Map.of(TaskStatus.PENDING, 7L);
    }, Duration.ofHours(1));
    for (TaskStatus s : TaskStatus.values()) {
      counts.count(s);
    }
    assertThat(counts.count(TaskStatus.PENDING)).isEqualTo(7);
    assertThat(asks[0]).isEqualTo(1);
  }

  @Test
  void workers_speed_lease_renewals_and_expiries_are_measured(@TempDir Path dir) throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    InMemoryQueueBackend backend = InMemoryQueueBackend.create();
    CountDownLatch release = new CountDownLatch(1);
    // A "dead worker" takes a task and never renews it: its lease expires and the queue reaps it.
    backend.enqueue(Task.pending(TaskId.random(), request(2), Instant.now()));
    assertThat(backend.claim(new ClaimRequest("dead-worker", 1, Duration.ofMillis(100), Duration.ZERO)))
        .hasSize(1);
    try (FfmpegQueue queue = FfmpegQueue.builder().backend(backend).workers(2).workspaceRoot(dir)
            .fetcher(FakeInputFetcher.forSchemes("fake"))
            .leaseDuration(Duration.ofMillis(400)).heartbeatInterval(Duration.ofMillis(50))
            .reapInterval(Duration.ofMillis(50)).pollWait(Duration.ofMillis(50))
            .handler(ctx -> {
              ctx.reportProgress(new Progress(0.5, Duration.ofSeconds(1), 25.0, 2.5, null));
              if (ctx.task().request().priority() == 1) {
                release.await(10, TimeUnit.SECONDS);
              }
              return java.util.List.of();
            })
            .build()) {
      FfmpegQueueMetrics.bind(queue, registry);
      queue.submit(request(1).toBuilder().priority(1).build());

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(registry.get("ffq.workers.active").gauge().value()).isEqualTo(1);
        assertThat(registry.get("ffq.lease.renewals").functionCounter().count()).isPositive();
        assertThat(registry.get("ffq.lease.expired").functionCounter().count()).isEqualTo(1);
      });
      release.countDown();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(registry.get("ffq.tasks.completed").counter().count()).isPositive());
      // The reaped task may have run before the binding; the blocked one ran after it.
      assertThat(registry.get("ffq.ffmpeg.speed").summary().count()).isPositive();
      assertThat(registry.get("ffq.ffmpeg.speed").summary().max()).isEqualTo(2.5);
      assertThat(registry.get("ffq.lease.lost").functionCounter().count()).isZero();
    } finally {
      release.countDown();
    }
  }

  @Test
  void a_sandbox_that_fell_back_shows_in_the_degraded_gauge(@TempDir Path dir) {
    // No ffmpeg runs here: the runner is only built, with a bubblewrap that does not exist.
    io.ffmpegqueue.ffmpeg.ProcessFfmpegRunner runner = io.ffmpegqueue.ffmpeg.ProcessFfmpegRunner.builder()
        .installation(new io.ffmpegqueue.ffmpeg.FfmpegInstallation(Path.of("/bin/true"), null, "7.1", "test"))
        .bubblewrap(dir.resolve("no-such-bwrap")).sandbox(io.ffmpegqueue.ffmpeg.Sandbox.AUTO).build();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (FfmpegQueue queue = FfmpegQueue.builder().workers(1).runner(runner)
            .storage(io.ffmpegqueue.io.LocalStorage.at(dir.resolve("outputs"))).workspaceRoot(dir.resolve("work")).build();
        FfmpegQueueMetrics metrics = FfmpegQueueMetrics.bind(queue, registry)) {
      assertThat(metrics).isNotNull();
      assertThat(registry.get("ffq.sandbox.degraded").gauge().value()).isEqualTo(1);
      assertThat(registry.get("ffq.sandbox.isolated").gauge().value()).isZero();
    }
    assertThat(registry.find("ffq.sandbox.degraded").gauges()).as("removed on close").isEmpty();
    try (FfmpegQueue noRunner = FfmpegQueue.builder().workers(0).build();
        FfmpegQueueMetrics metrics = FfmpegQueueMetrics.bind(noRunner, registry)) {
      assertThat(metrics).isNotNull();
      assertThat(registry.find("ffq.sandbox.degraded").gauges()).isEmpty();
    }
  }
}
