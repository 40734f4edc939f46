package io.ffmpegqueue.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.TenantLimits;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tenants on PostgreSQL beyond the contract: the running limit across backends (processes) claiming at once. */
class PostgresTenantsIT {
  @RegisterExtension
  static final TestDatabase.PerClass DB = new TestDatabase.PerClass(16);

  private static Task task(String tenant) {
    TaskRequest r = TaskRequest.builder().command("-i input.mp4 output.mp4")
        .input("input.mp4", URI.create("https://example.com/video.mp4")).output("output.mp4")
        .maxAttempts(3).timeout(Duration.ofMinutes(5)).tenant(tenant).build();
    return Task.pending(TaskId.random(), r, Instant.now());
  }

  private static long running(String schema, String tenant) {
    return DB.queryLong("SELECT count(*) FROM " + schema + ".ffq_tasks WHERE status = 'RUNNING'"
        + " AND tenant = '" + tenant + "'");
  }

  @Test
  void backends_that_claim_at_once_never_run_more_of_a_tenant_than_its_limit() throws Exception {
    String schema = TestDatabase.newSchema();
    List<PostgresQueueBackend> backends = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      backends.add(PostgresQueueBackend.builder(DB.pool()).schema(schema).build());
    }
    int tasks = 60;
    for (int i = 0; i < tasks; i++) {
      backends.get(0).enqueue(task("capped"));
    }
    TenantLimits limits = TenantLimits.builder().maxRunning(3).build();
    AtomicInteger done = new AtomicInteger();
    AtomicInteger mostSeen = new AtomicInteger();
    ExecutorService ex = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        PostgresQueueBackend b = backends.get(w);
        String worker = "worker-" + w;
        workers.add(ex.submit(() -> {
          // Bounded: each round either finishes a task or finds the tenant at its limit.
          for (int round = 0; round < 2_000 && done.get() < tasks; round++) {
            List<Lease> got = b.claim(new ClaimRequest(worker, 2, Duration.ofSeconds(30), Duration.ZERO, limits));
            mostSeen.accumulateAndGet((int) running(schema, "capped"), Math::max);
            for (Lease l : got) {
              b.finish(l, new Outcome.Completed(List.of()));
              done.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : workers) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      ex.shutdownNow();
      backends.forEach(PostgresQueueBackend::close);
    }
    assertThat(done.get()).isEqualTo(tasks);
    assertThat(mostSeen.get()).as("most RUNNING at once").isBetween(1, 3);
    try (PostgresQueueBackend b = PostgresQueueBackend.builder(DB.pool()).schema(schema).build()) {
      assertThat(b.counts().get(TaskStatus.COMPLETED)).isEqualTo(tasks);
    }
  }
}
