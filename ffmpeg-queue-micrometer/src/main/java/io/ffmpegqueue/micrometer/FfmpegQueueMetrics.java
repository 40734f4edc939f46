package io.ffmpegqueue.micrometer;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.FfmpegQueueClient;
import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.WorkerStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * Binds a queue's meters to a Micrometer registry. The meters (Prometheus names in brackets):
 * <ul>
 *   <li>{@code ffq.queue.depth} {status} — tasks of each status (gauges over {@code counts()}, asked of the
 *       backend at most once per refresh interval, 5 s by default) [{@code ffq_queue_depth}]
 *   <li>{@code ffq.tasks.submitted}, {@code ffq.tasks.completed}, {@code ffq.tasks.cancelled},
 *       {@code ffq.tasks.failed} {kind}, {@code ffq.tasks.retried} {kind} — counters from the events
 *   <li>{@code ffq.task.duration} {status} — started to finished of final attempts, with percentiles
 *   <li>{@code ffq.task.queue.wait} — submitted (or due again, for a retry) to started, with percentiles
 *   <li>{@code ffq.ffmpeg.speed} — ffmpeg's reported speed (2.0 = twice real time) in progress events
 *   <li>{@code ffq.bytes.stored} — the sizes of completed tasks' outputs;
 *       {@code ffq.bytes.fetched} — downloaded inputs (an {@link FfmpegQueue} only)
 *   <li>{@code ffq.workers.active}, {@code ffq.lease.renewals}, {@code ffq.lease.lost},
 *       {@code ffq.lease.expired} — of an {@link FfmpegQueue}'s workers only
 *   <li>{@code ffq.sandbox.isolated} — 1 when ffmpeg runs inside bubblewrap, else 0;
 *       {@code ffq.sandbox.degraded} — 1 when {@code Sandbox.AUTO} fell back to no sandbox, else 0: alert on
 *       it (of an {@link FfmpegQueue} whose workers run the process runner, see
 *       {@link FfmpegQueue#sandboxStatus()})
 * </ul>
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * try (FfmpegQueue queue = FfmpegQueue.builder().build();
 *      AutoCloseable metrics = FfmpegQueueMetrics.bind(queue, registry)) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Counters, timers and summaries count what this process did: its submissions, its cancels of pending
 * tasks, and its workers' attempts (started, retried, ended, reaped). Events a shared backend reports from other
 * processes ({@link TaskEvent#remote()}) are not counted, so each change is counted by exactly one process
 * and sums over all processes are right. The depth gauges are the backend's totals, the same in every
 * process on it: take one process's value (or the maximum), not a sum. {@link #close()} stops listening and
 * removes the meters.
 */
public final class FfmpegQueueMetrics implements AutoCloseable {
  /** How often the depth gauges ask the queue by default. */
  public static final Duration DEFAULT_DEPTH_REFRESH = Duration.ofSeconds(5);
  private static final double[] PERCENTILES = {0.5, 0.9, 0.95, 0.99};

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Subscription subscription;
  // Held here because gauges keep only weak references to what they read.
  private final CachedCounts counts;
  private final Counter submitted;
  private final Counter completed;
  private final Counter cancelled;
  private final Counter stored;
  private final Timer queueWait;
  private final DistributionSummary speed;

  private FfmpegQueueMetrics(FfmpegQueueClient client, MeterRegistry registry, Duration depthRefresh) {
    this.registry = registry;
    this.counts = new CachedCounts(client::counts, depthRefresh);
    for (TaskStatus s : TaskStatus.values()) {
      meters.add(Gauge.builder("ffq.queue.depth", counts, c -> c.count(s))
          .tag("status", s.wireName()).description("Tasks of each status").register(registry));
    }
    submitted = add(Counter.builder("ffq.tasks.submitted").description("Tasks this process accepted").register(registry));
    completed = add(Counter.builder("ffq.tasks.completed").description("Tasks this process's workers completed").register(registry));
    cancelled = add(Counter.builder("ffq.tasks.cancelled").description("Tasks this process cancelled or its workers stopped cancelled").register(registry));
    stored = add(Counter.builder("ffq.bytes.stored").baseUnit("bytes")
        .description("Bytes of completed tasks' outputs").register(registry));
    queueWait = add(Timer.builder("ffq.task.queue.wait").publishPercentiles(PERCENTILES)
        .description("From submission (or a retry's due time) to the start of an attempt").register(registry));
    speed = add(DistributionSummary.builder("ffq.ffmpeg.speed").publishPercentiles(PERCENTILES)
        .description("ffmpeg's speed, output time per wall-clock time").register(registry));
    if (client instanceof FfmpegQueue queue) {
      meters.add(Gauge.builder("ffq.workers.active", queue, FfmpegQueue::activeWorkers)
          .description("Tasks this process's workers run now").register(registry));
      workerCounter(queue, "ffq.bytes.fetched", "Bytes of inputs downloaded", WorkerStats::bytesFetched, "bytes");
      workerCounter(queue, "ffq.lease.renewals", "Lease renewals accepted", WorkerStats::leaseRenewals, null);
      workerCounter(queue, "ffq.lease.lost", "Lease renewals refused: the lease was lost", WorkerStats::leasesLost, null);
      workerCounter(queue, "ffq.lease.expired", "Expired leases reaped", WorkerStats::leasesExpired, null);
      queue.sandboxStatus().ifPresent(s -> {
        // Decided once when the runner was built: constant gauges.
        meters.add(Gauge.builder("ffq.sandbox.isolated", () -> s.isolated() ? 1 : 0)
            .description("1 when ffmpeg runs inside bubblewrap").register(registry));
        meters.add(Gauge.builder("ffq.sandbox.degraded", () -> s.degraded() ? 1 : 0)
            .description("1 when Sandbox.AUTO fell back: ffmpeg runs under the command policy alone").register(registry));
      });
    }
    // Meters exist before the first event, so a scrape shows zeros rather than nothing.
    this.subscription = client.subscribe(this::onEvent);
  }

  /** Binds {@code client}'s meters to {@code registry}; close the result to remove them. */
  public static FfmpegQueueMetrics bind(FfmpegQueueClient client, MeterRegistry registry) {
    return bind(client, registry, DEFAULT_DEPTH_REFRESH);
  }

  /**
   * Binds {@code client}'s meters to {@code registry}, asking the queue for its depth at most once per
   * {@code depthRefresh}.
   */
  public static FfmpegQueueMetrics bind(FfmpegQueueClient client, MeterRegistry registry, Duration depthRefresh) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(registry, "registry");
    if (depthRefresh == null || depthRefresh.isNegative()) {
      throw new IllegalArgumentException("depthRefresh must not be negative");
    }
    return new FfmpegQueueMetrics(client, registry, depthRefresh);
  }

  private void workerCounter(FfmpegQueue queue, String name, String description, ToLongFunction<WorkerStats> f,
      String unit) {
    meters.add(FunctionCounter.builder(name, queue, q -> f.applyAsLong(q.workerStats()))
        .description(description).baseUnit(unit).register(registry));
  }

  private <M extends Meter> M add(M meter) {
    meters.add(meter);
    return meter;
  }

  private void onEvent(TaskEvent e) {
    if (e.remote()) {
      return; // the process that made the change counts it
    }
    Task t = e.task();
    switch (e.type()) {
      case SUBMITTED -> submitted.increment();
      case STARTED -> {
        Instant due = t.attempt() <= 1 ? t.createdAt() : t.runAt();
        record(queueWait, due, t.startedAt());
      }
      case PROGRESS -> {
        if (e.progress() != null && e.progress().speed() != null) {
          speed.record(e.progress().speed());
        }
      }
      case RETRY_SCHEDULED -> Counter.builder("ffq.tasks.retried").tag("kind", kind(t))
          .description("Failed attempts of this process's workers scheduled again").register(registry).increment();
      case COMPLETED -> {
        completed.increment();
        stored.increment(t.outputs().stream().mapToLong(TaskOutput::size).sum());
        duration(t);
      }
      case FAILED -> {
        Counter.builder("ffq.tasks.failed").tag("kind", kind(t))
            .description("Tasks this process's workers failed for good").register(registry).increment();
        duration(t);
      }
      case CANCELLED -> {
        cancelled.increment();
        duration(t);
      }
    }
  }

  private void duration(Task t) {
    if (t.startedAt() != null && t.finishedAt() != null) {
      record(Timer.builder("ffq.task.duration").tag("status", t.status().wireName())
          .publishPercentiles(PERCENTILES).description("From the start of the last attempt to the end")
          .register(registry), t.startedAt(), t.finishedAt());
    }
  }

  private static void record(Timer timer, Instant from, Instant to) {
    if (from != null && to != null && !to.isBefore(from)) {
      timer.record(Duration.between(from, to));
    }
  }

  private static String kind(Task t) {
    return t.error() == null ? "unknown" : t.error().kind().wireName();
  }

  /** Stops listening to the queue and removes every meter this binding made. */
  @Override
  public void close() {
    subscription.close();
    for (Meter m : meters) {
      registry.remove(m);
    }
    for (String name : List.of("ffq.tasks.failed", "ffq.tasks.retried", "ffq.task.duration")) {
      for (Meter m : registry.find(name).meters()) {
        registry.remove(m);
      }
    }
  }
}
