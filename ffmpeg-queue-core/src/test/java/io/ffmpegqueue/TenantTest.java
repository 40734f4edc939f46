package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.memory.InMemoryQueueBackend;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tenants through a real queue: fair turns, running limits, submission rate; and the tenant field. */
class TenantTest {

  /**
   * A closed pool's executor reports termination while its last thread is still unwinding; wait for the
   * threads to be gone, so that a later test in this JVM that checks for leaked workers does not see ours.
   */
  @AfterEach
  void workerThreadsAreGone() {
    await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive).noneMatch(t -> t.getName().startsWith("ffq-worker")));
  }

  private static TaskRequest request(String tenant) {
    return Fixtures.request().toBuilder().tenant(tenant).build();
  }

  @Test
  void a_small_tenants_tasks_all_start_before_the_100th_of_a_tenant_that_submitted_1000_first() {
    List<String> starts = new ArrayList<>();
    InMemoryQueueBackend backend = InMemoryQueueBackend.builder().capacity(2_000).build();
    WorkerDriver driver = WorkerDriver.build(Fixtures.fastQueue()
        .backend(backend)
        .workers(1) // one slot: the start order is the claim order
        .handler(ctx -> {
          starts.add(ctx.task().request().tenant());
          return List.of();
        }));
    try (FfmpegQueue queue = driver.queue()) {
      for (int i = 0; i < 1_000; i++) {
        queue.submit(request("flood"));
      }
      for (int i = 0; i < 10; i++) {
        queue.submit(request("small"));
      }
      while (driver.runNext().isPresent()) {
        // each call runs one task on this thread
      }
      assertThat(queue.counts().get(TaskStatus.COMPLETED)).isEqualTo(1_010L);
    }
    assertThat(starts).hasSize(1_010);
    int hundredthOfFlood = -1;
    int lastOfSmall = -1;
    int floods = 0;
    for (int i = 0; i < starts.size(); i++) {
      if ("flood".equals(starts.get(i)) && ++floods == 100) {
        hundredthOfFlood = i;
      }
      if ("small".equals(starts.get(i))) {
        lastOfSmall = i;
      }
    }
    assertThat(lastOfSmall).as("the small tenant's last start, in a start order of %s...", starts.subList(0, 30))
        .isLessThan(hundredthOfFlood);
  }

  /**
   * Each task's handler starts the next claim on the same thread before it ends, so tasks overlap without
   * threads: the running counts are exact.
   */
  @Test
  void a_tenant_never_has_more_tasks_running_than_its_limit_while_others_use_the_free_workers() {
    Map<String, AtomicInteger> running = Map.of("a", new AtomicInteger(), "b", new AtomicInteger());
    Map<String, AtomicInteger> most = Map.of("a", new AtomicInteger(), "b", new AtomicInteger());
    AtomicReference<WorkerDriver> self = new AtomicReference<>();
    WorkerDriver driver = WorkerDriver.build(Fixtures.fastQueue()
        .workers(4)
        .tenantLimits(TenantLimits.builder().maxRunning(1).maxRunning("b", 3).build())
        .handler(ctx -> {
          String tenant = ctx.task().request().tenant();
          most.get(tenant).accumulateAndGet(running.get(tenant).incrementAndGet(), Math::max);
          self.get().runNext(); // claims while this task still runs
          running.get(tenant).decrementAndGet();
          return List.of();
        }));
    self.set(driver);
    try (FfmpegQueue queue = driver.queue()) {
      for (int i = 0; i < 30; i++) {
        queue.submit(request("a"));
        queue.submit(request("b"));
      }
      while (driver.runNext().isPresent()) {
        // each call runs a chain of overlapping tasks on this thread
      }
      assertThat(queue.counts().get(TaskStatus.COMPLETED)).isEqualTo(60L);
    }
    assertThat(most.get("a").get()).as("a's limit").isEqualTo(1);
    assertThat(most.get("b").get()).as("b takes the three slots a cannot use").isEqualTo(3);
  }

  @Test
  void a_tenant_over_its_rate_is_refused_with_the_time_to_wait_and_other_tenants_are_not() {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    InstantSource clock = now::get;
    try (FfmpegQueueClient client = FfmpegQueueClient.builder(InMemoryQueueBackend.builder().clock(clock).build())
        .clock(clock)
        .fetcher(new Fixtures.NoopFetcher())
        .tenantLimits(TenantLimits.builder().rate(2, 3).rate("vip", 100, 100).build())
        .build()) {
      for (int i = 0; i < 3; i++) {
        client.submit(request("acme"));
      }
      assertThatThrownBy(() -> client.submit(request("acme")))
          .isInstanceOfSatisfying(TaskRejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(TaskRejectedException.Reason.RATE_LIMITED);
            assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(500));
            assertThat(e.getMessage()).contains("tenant 'acme'").contains("2 tasks a second");
          });
      client.submit(request("other")); // a bucket of its own
      for (int i = 0; i < 10; i++) {
        client.submit(request("vip"));
      }
      for (int i = 0; i < 3; i++) {
        client.submit(request(null)); // tasks without a tenant share one bucket
      }
      assertThatThrownBy(() -> client.submit(request(null))).hasMessageContaining("tasks without a tenant");
      now.set(now.get().plusMillis(500));
      client.submit(request("acme"));
      assertThatThrownBy(() -> client.submit(request("acme")))
          .hasMessageContaining("tenant 'acme' submits faster than its limit");
      assertThat(client.queueSize()).isEqualTo(3 + 1 + 10 + 3 + 1);
    }
  }

  @Test
  void an_invalid_request_costs_no_token() {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    try (FfmpegQueueClient client = FfmpegQueueClient.builder(InMemoryQueueBackend.create())
        .clock(now::get).fetcher(new Fixtures.NoopFetcher())
        .tenantLimits(TenantLimits.builder().rate(1, 1).build()).build()) {
      TaskRequest bad = request("acme").toBuilder().input("x.mp4", "gopher://h/x").build();
      assertThatThrownBy(() -> client.submit(bad)).isInstanceOf(InvalidTaskException.class);
      client.submit(request("acme"));
    }
  }

  @Test
  void the_tenant_is_a_field_of_its_own_and_must_be_a_short_plain_name() {
    TaskRequest r = request("team-7.prod_1");
    assertThat(r.tenant()).isEqualTo("team-7.prod_1");
    assertThat(r.metadata()).doesNotContainKey("tenant");
    assertThat(r.toBuilder().build()).isEqualTo(r);
    TaskRequest plainEntry = Fixtures.request().toBuilder().metadata("tenant", "no spaces").build();
    assertThat(plainEntry.tenant()).as("a metadata entry named tenant is only metadata").isNull();
    assertThat(Fixtures.request().tenant()).isNull();
    assertThat(request("x").toBuilder().tenant(null).build().tenant()).isNull();
    for (String bad : List.of("", "a b", "a/b", "x".repeat(65), "ü")) {
      assertThatThrownBy(() -> request(bad))
          .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("tenant"));
    }
    assertThatThrownBy(() -> Fixtures.request().toBuilder().tenant("no spaces").build())
        .isInstanceOf(InvalidTaskException.class).hasMessageContaining("not a tenant name");
    assertThatThrownBy(() -> TenantLimits.builder().maxRunning("a/b", 1)).isInstanceOf(InvalidTaskException.class);
  }

  @Test
  void the_tenant_is_in_the_task_json_and_reads_back() throws Exception {
    Task t = Task.pending(TaskId.random(), request("acme"), Instant.parse("2026-01-01T00:00:00Z"));
    String json = TaskJson.write(t);
    assertThat(TaskJson.mapper().readTree(json).path("tenant").asText()).isEqualTo("acme");
    assertThat(TaskJson.read(json)).isEqualTo(t);
    Task none = Task.pending(TaskId.random(), Fixtures.request(), Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(TaskJson.mapper().readTree(TaskJson.write(none)).get("tenant").isNull()).isTrue();
  }
}
