package io.ffmpegqueue.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.TenantLimits;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.testing.QueueBackendContract.Limits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Tenants: fair turns between tenants, per-tenant running limits at claim. Part of {@link QueueBackendContract}. */
abstract class TenantCases extends CapacityAndRetentionCases {
  private static List<String> tenantsOf(List<Lease> leases) {
    return leases.stream().map(l -> String.valueOf(l.task().request().tenant())).toList();
  }

  private static List<Lease> claimEach(QueueBackend b, int n, TenantLimits limits) throws InterruptedException {
    List<Lease> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.addAll(b.claim(new ClaimRequest("worker-a", 1, QueueBackendContract.LEASE, Duration.ZERO, limits)));
    }
    return all;
  }

  @Test
  void a_tenant_that_floods_the_queue_takes_turns_with_one_that_arrives_later() throws InterruptedException {
    QueueBackend b = backend();
    for (int i = 0; i < 6; i++) {
      b.enqueue(QueueBackendContract.tenantTask("flood", 0));
    }
    List<Lease> first = claimEach(b, 1, TenantLimits.none());
    for (int i = 0; i < 2; i++) {
      b.enqueue(QueueBackendContract.tenantTask("small", 0));
    }
    List<Lease> rest = claimEach(b, 7, TenantLimits.none());
    assertEquals(List.of("flood"), tenantsOf(first));
    // The newcomer has never been served, so it goes first; then the two take turns; then the flood alone.
    assertEquals(List.of("small", "flood", "small", "flood", "flood", "flood", "flood"), tenantsOf(rest));
    for (Lease l : rest) {
      assertEquals(TaskStatus.RUNNING, b.find(l.taskId()).orElseThrow().status());
    }
  }

  @Test
  void one_claim_of_many_tasks_interleaves_tenants_in_submission_order_within_each() throws InterruptedException {
    QueueBackend b = backend();
    List<TaskId> a = new ArrayList<>();
    List<TaskId> c = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      a.add(b.enqueue(QueueBackendContract.tenantTask("a", 0)).task().id());
    }
    for (int i = 0; i < 2; i++) {
      c.add(b.enqueue(QueueBackendContract.tenantTask("c", 0)).task().id());
    }
    List<Lease> got = b.claim(new ClaimRequest("worker-a", 4, QueueBackendContract.LEASE, Duration.ZERO));
    assertEquals(4, got.size());
    Set<TaskId> ids = new HashSet<>();
    got.forEach(l -> ids.add(l.taskId()));
    assertEquals(Set.of(a.get(0), a.get(1), c.get(0), c.get(1)), ids, "two of each tenant, the oldest ones");
  }

  @Test
  void priority_comes_before_the_turns_of_tenants_and_tasks_without_a_tenant_are_one_tenant()
      throws InterruptedException {
    QueueBackend b = backend();
    b.enqueue(QueueBackendContract.tenantTask(null, 0));
    b.enqueue(QueueBackendContract.tenantTask(null, 0));
    b.enqueue(QueueBackendContract.tenantTask("x", 5));
    b.enqueue(QueueBackendContract.tenantTask("y", -1));
    b.enqueue(QueueBackendContract.tenantTask("x", 0));
    List<Lease> got = claimEach(b, 5, TenantLimits.none());
    // y is most urgent; at priority 0 the unnamed tenant and x take turns (never served: by name, "" first);
    // x's priority-5 task comes last.
    assertEquals(List.of("y", "null", "x", "null", "x"), tenantsOf(got));
    assertEquals(5, got.get(4).task().request().priority());
  }

  @Test
  void a_claim_gives_no_tenant_more_running_tasks_than_its_limit() throws InterruptedException {
    QueueBackend b = backend();
    for (int i = 0; i < 5; i++) {
      b.enqueue(QueueBackendContract.tenantTask("a", 0));
      b.enqueue(QueueBackendContract.tenantTask("b", 0));
      b.enqueue(QueueBackendContract.tenantTask("c", 0));
    }
    TenantLimits limits = TenantLimits.builder().maxRunning(2).maxRunning("b", 1).maxRunning("c", 0).build();
    List<Lease> got = b.claim(new ClaimRequest("worker-a", 10, QueueBackendContract.LEASE, Duration.ZERO, limits));
    assertEquals(List.of("a", "a", "b", "c", "c", "c", "c", "c"),
        tenantsOf(got).stream().sorted().toList(), "a: 2, b: 1, c unlimited");
    assertTrue(b.claim(new ClaimRequest("worker-a", 10, QueueBackendContract.LEASE, Duration.ZERO, limits)).stream()
        .allMatch(l -> "c".equals(l.task().request().tenant())), "a and b are at their limits");

    Lease anA = got.stream().filter(l -> "a".equals(l.task().request().tenant())).findFirst().orElseThrow();
    b.finish(anA, new Outcome.Completed(List.of()));
    List<Lease> after = b.claim(new ClaimRequest("worker-a", 10, QueueBackendContract.LEASE, Duration.ZERO, limits));
    assertEquals(List.of("a"), tenantsOf(after), "a finished one, so one more of a may run");
    assertTrue(b.claim(new ClaimRequest("worker-a", 10, QueueBackendContract.LEASE, Duration.ZERO, limits)).isEmpty());
  }

  @Test
  void a_waiting_claim_takes_a_tenants_task_as_soon_as_one_of_its_running_tasks_ends() throws Exception {
    QueueBackend b = backend();
    b.enqueue(QueueBackendContract.tenantTask("a", 0));
    b.enqueue(QueueBackendContract.tenantTask("a", 0));
    TenantLimits limits = TenantLimits.builder().maxRunning(1).build();
    Lease first = b.claim(new ClaimRequest("worker-a", 1, QueueBackendContract.LEASE, Duration.ZERO, limits)).get(0);
    ExecutorService ex = Executors.newSingleThreadExecutor();
    try {
      Future<List<Lease>> waiting = ex.submit(() -> b.claim(new ClaimRequest("worker-b", 1, QueueBackendContract.LEASE, QueueBackendContract.PROMPTLY, limits)));
      b.finish(first, new Outcome.Completed(List.of()));
      List<Lease> got = waiting.get(QueueBackendContract.PROMPTLY.toSeconds() + 5, TimeUnit.SECONDS);
      assertEquals(1, got.size(), "the second task was claimed once the first ended");
      assertEquals(TaskStatus.COMPLETED, b.find(first.taskId()).orElseThrow().status());
    } finally {
      ex.shutdownNow();
    }
  }
}
