package io.ffmpegqueue.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.FfmpegQueueException;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spi.BackendListener;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.LeaseState;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.Renewal;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the PostgreSQL backend does beyond the shared contract, on a real server. */
class PostgresQueueBackendIT {
  private static final Duration LEASE = Duration.ofSeconds(30);

  @RegisterExtension
  static final TestDatabase.PerClass DB = new TestDatabase.PerClass(20);

  private final List<PostgresQueueBackend> made = new ArrayList<>();
  private final ExecutorService executor = Executors.newCachedThreadPool();

  @AfterEach
  void closeBackends() {
    executor.shutdownNow();
    made.forEach(PostgresQueueBackend::close);
  }

  private PostgresQueueBackend backend(PostgresQueueBackend.Builder b) {
    PostgresQueueBackend backend = b.build();
    made.add(backend);
    return backend;
  }

  private PostgresQueueBackend backend(String schema) {
    return backend(PostgresQueueBackend.builder(DB.pool()).schema(schema));
  }

  private static Task task() {
    return task(0);
  }

  private static Task task(int priority) {
    TaskRequest r = TaskRequest.builder()
        .command("-i input.mp4 -vf scale=640:-2 output.mp4")
        .input("input.mp4", URI.create("https://example.com/a.mp4"))
        .output("output.mp4")
        .priority(priority)
        .maxAttempts(3)
        .timeout(Duration.ofMillis(90_500))
        .metadata(Map.of("tenant", "acme", "user", "42"))
        .build();
    return Task.pending(TaskId.random(), r, Instant.now());
  }

  private static Lease claimOne(PostgresQueueBackend b, Duration lease) throws InterruptedException {
    List<Lease> l = b.claim(new ClaimRequest("w", 1, lease, Duration.ofSeconds(10)));
    assertThat(l).hasSize(1);
    return l.get(0);
  }

  @Test
  void migrations_run_once_when_many_processes_start_together_and_again_change_nothing() throws Exception {
    String schema = TestDatabase.newSchema();
    List<Future<PostgresQueueBackend>> starts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      starts.add(executor.submit(() -> backend(schema)));
    }
    for (Future<PostgresQueueBackend> f : starts) {
      assertThat(f.get(30, TimeUnit.SECONDS)).isNotNull();
    }
    PostgresQueueBackend again = backend(schema);
    again.enqueue(task());
    assertThat(DB.queryLong("SELECT count(*) FROM " + schema + ".ffq_schema_version"))
        .as("one row per migration").isEqualTo(PostgresSchema.migrations("s", "ffq_").size());
    assertThat(DB.queryLong("SELECT max(version) FROM " + schema + ".ffq_schema_version"))
        .isEqualTo(PostgresSchema.LATEST_VERSION);
    assertThat(backend(schema).pendingCount()).isEqualTo(1);
  }

  @Test
  void without_migrating_the_backend_refuses_missing_tables_and_accepts_the_published_sql() throws Exception {
    String schema = TestDatabase.newSchema();
    assertThatThrownBy(() -> backend(PostgresQueueBackend.builder(DB.pool()).schema(schema).migrate(false)))
        .isInstanceOf(FfmpegQueueException.class)
        .hasMessageContaining("at version 0")
        .hasMessageContaining("needs version " + PostgresSchema.LATEST_VERSION);
    DB.db().execute("CREATE SCHEMA " + schema);
    for (PostgresSchema.Migration m : PostgresSchema.migrations(schema, "ffq_")) {
      DB.db().execute(m.sql());
    }
    PostgresQueueBackend b = backend(PostgresQueueBackend.builder(DB.pool()).schema(schema).migrate(false));
    Task t = task();
    b.enqueue(t);
    assertThat(b.find(t.id())).isPresent();
  }

  @Test
  void schema_and_table_prefix_keep_queues_apart() {
    String schema = TestDatabase.newSchema();
    PostgresQueueBackend a = backend(PostgresQueueBackend.builder(DB.pool()).schema(schema).tablePrefix("video_"));
    PostgresQueueBackend b = backend(PostgresQueueBackend.builder(DB.pool()).schema(schema).tablePrefix("audio_"));
    Task t = task();
    a.enqueue(t);
    assertThat(a.find(t.id())).isPresent();
    assertThat(b.find(t.id())).isEmpty();
    assertThat(b.pendingCount()).isZero();
  }

  @Test
  void a_bad_schema_name_is_refused_before_it_reaches_sql() {
    assertThatThrownBy(() -> PostgresQueueBackend.builder(DB.pool()).schema("x; DROP TABLE y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema must be a lowercase identifier");
    assertThatThrownBy(() -> PostgresQueueBackend.builder(DB.pool()).tablePrefix("Bad-Prefix"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tablePrefix");
  }

  @Test
  void a_task_round_trips_through_the_table_with_its_whole_request() throws Exception {
    PostgresQueueBackend b = backend(TestDatabase.newSchema());
    Task t = task();
    b.enqueue(t);
    Task found = b.find(t.id()).orElseThrow();
    assertThat(found.request()).isEqualTo(t.request());
    assertThat(found.createdAt()).isEqualTo(t.createdAt());
    Lease l = claimOne(b, LEASE);
    TaskOutput out = new TaskOutput("output.mp4", URI.create("s3://bucket/x/output.mp4"), 1234, "video/mp4",
        "sha256:00", URI.create("https://example.com/signed"), null);
    Task done = b.finish(l, new Outcome.Completed(List.of(out)));
    assertThat(done.outputs()).containsExactly(out);
    assertThat(done.outputUrl()).isEqualTo("s3://bucket/x/output.mp4");
    assertThat(b.find(t.id())).contains(done);
  }

  @Test
  void what_finish_returns_is_what_is_stored_for_every_outcome() throws Exception {
    PostgresQueueBackend b = backend(TestDatabase.newSchema());
    List<Outcome> outcomes = List.of(
        new Outcome.Completed(List.of(new TaskOutput("output.mp4", URI.create("file:/o/output.mp4"), 7, null, null, null, null))),
        new Outcome.Failed(TaskError.of(ErrorKind.FFMPEG, "exit 1"), null),
        new Outcome.Failed(TaskError.of(ErrorKind.INPUT, "HTTP 503"), Instant.now().plusSeconds(60)),
        new Outcome.Cancelled("stop"),
        new Outcome.Released());
    for (Outcome o : outcomes) {
      b.enqueue(task());
      Lease l = claimOne(b, LEASE);
      b.renew(new Renewal(l, 0.4, LEASE));
      Task after = b.finish(l, o);
      assertThat(b.find(l.taskId())).as(o.toString()).contains(after);
      if (after.status() == TaskStatus.PENDING && after.runAt().isBefore(Instant.now().plusSeconds(30))) {
        b.cancel(after.id()); // out of the way of the next claim
      }
    }
  }

  @Test
  void the_claim_reads_the_small_index_of_ready_rows_however_long_the_history() throws Exception {
    String schema = TestDatabase.newSchema();
    PostgresQueueBackend b = backend(schema);
    DB.db().execute("INSERT INTO " + schema + ".ffq_tasks (id, status, priority, run_at, created_at, max_attempts, request,"
        + " finished_at) SELECT 'done-' || g, 'COMPLETED', 0, now(), now(), 1, '{}'::jsonb, now()"
        + " FROM generate_series(1, 20000) g");
    for (int i = 0; i < 5; i++) {
      b.enqueue(task());
    }
    DB.db().execute("ANALYZE " + schema + ".ffq_tasks");
    String plan;
    try (Connection c = DB.pool().getConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("EXPLAIN SELECT id FROM " + schema + ".ffq_tasks"
             + " WHERE status = 'PENDING' AND run_at <= now() ORDER BY priority, run_at, seq LIMIT 4 FOR UPDATE SKIP LOCKED")) {
      StringBuilder sb = new StringBuilder();
      while (rs.next()) {
        sb.append(rs.getString(1)).append('\n');
      }
      plan = sb.toString();
    }
    assertThat(plan).contains("ffq_tasks_ready_idx");
    assertThat(DB.queryLong("SELECT pg_relation_size('" + schema + ".ffq_tasks_ready_idx')"))
        .isLessThan(DB.queryLong("SELECT pg_relation_size('" + schema + ".ffq_tasks')") / 20);
    assertThat(b.claim(new ClaimRequest("w", 4, LEASE, Duration.ZERO))).hasSize(4);
  }

  @Test
  void an_idle_claim_wakes_within_milliseconds_when_another_process_enqueues() throws Exception {
    String schema = TestDatabase.newSchema();
    // The poll is a minute, so only the notice can wake the claim in time.
    PostgresQueueBackend worker = backend(PostgresQueueBackend.builder(DB.pool()).schema(schema).pollInterval(Duration.ofMinutes(1)));
    PostgresQueueBackend api = backend(schema);
    await().atMost(Duration.ofSeconds(10)).until(worker::isListening);
    Future<List<Lease>> claim = executor.submit(() -> worker.claim(new ClaimRequest("w", 1, LEASE, Duration.ofSeconds(50))));
    await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !claim.isDone());
    Task t = task();
    long start = System.nanoTime();
    api.enqueue(t);
    List<Lease> leases = claim.get(5, TimeUnit.SECONDS);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(leases).extracting(Lease::taskId).containsExactly(t.id());
    assertThat(millis).as("enqueue to claim, ms").isLessThan(2_000);
  }

  @Test
  void the_listening_connection_reconnects_after_it_is_cut_and_wake_ups_work_again() throws Exception {
    String schema = TestDatabase.newSchema();
    PostgresQueueBackend worker = backend(PostgresQueueBackend.builder(DB.pool()).schema(schema).pollInterval(Duration.ofMinutes(1)));
    PostgresQueueBackend api = backend(schema);
    await().atMost(Duration.ofSeconds(10)).until(worker::isListening);
    DB.db().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN \"" + schema + ".%'");
    await().atMost(Duration.ofSeconds(10)).until(() -> !worker.isListening());
    await().atMost(Duration.ofSeconds(10)).until(worker::isListening);
    Future<List<Lease>> claim = executor.submit(() -> worker.claim(new ClaimRequest("w", 1, LEASE, Duration.ofSeconds(50))));
    await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !claim.isDone());
    api.enqueue(task());
    assertThat(claim.get(5, TimeUnit.SECONDS)).hasSize(1);
  }

  @Test
  void a_cancel_in_one_process_reaches_the_listener_of_the_process_that_runs_the_task() throws Exception {
    String schema = TestDatabase.newSchema();
    PostgresQueueBackend worker = backend(schema);
    PostgresQueueBackend api = backend(schema);
    List<TaskId> workerHeard = new CopyOnWriteArrayList<>();
    List<TaskId> apiHeard = new CopyOnWriteArrayList<>();
    worker.addListener(new BackendListener() {
      @Override
      public void onCancelRequested(TaskId id) {
        workerHeard.add(id);
      }
    });
    api.addListener(new BackendListener() {
      @Override
      public void onCancelRequested(TaskId id) {
        apiHeard.add(id);
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.isListening() && api.isListening());
    api.enqueue(task());
    Lease l = claimOne(worker, LEASE);
    assertThat(api.cancel(l.taskId()).orElseThrow().changed()).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> workerHeard.contains(l.taskId()));
    assertThat(worker.renew(new Renewal(l, null, LEASE))).isEqualTo(LeaseState.CANCEL_REQUESTED);
    assertThat(apiHeard).as("the process that cancelled acts itself; it hears no echo").isEmpty();
  }

  @Test
  void tasks_started_and_finished_in_one_process_are_events_in_another() throws Exception {
    String schema = TestDatabase.newSchema();
    PostgresQueueBackend worker = backend(schema);
    PostgresQueueBackend api = backend(schema);
    List<String> heard = new CopyOnWriteArrayList<>();
    api.addListener(new BackendListener() {
      @Override
      public void onRemoteEvent(TaskEvent.Type type, TaskId id) {
        heard.add(type + " " + id);
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(api::isListening);
    Task ok = task();
    Task bad = task();
    worker.enqueue(ok);
    worker.enqueue(bad);
    Lease l1 = claimOne(worker, LEASE);
    Lease l2 = claimOne(worker, LEASE);
    worker.finish(l1, new Outcome.Completed(List.of()));
    worker.finish(l2, new Outcome.Failed(TaskError.of(ErrorKind.FFMPEG, "exit 1"), null));
    // SUBMITTED stays in the submitting process: its notices are only wake-ups, sent at most every few ms.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(heard).containsExactly(
        "STARTED " + ok.id(), "STARTED " + bad.id(), "COMPLETED " + ok.id(), "FAILED " + bad.id()));
  }

  @Test
  void a_task_enqueued_in_the_hosts_transaction_exists_only_if_the_host_commits() throws Exception {
    String schema = TestDatabase.newSchema();
    PostgresQueueBackend b = backend(PostgresQueueBackend.builder(DB.pool()).schema(schema).pollInterval(Duration.ofMinutes(1)));
    PostgresQueueBackend worker = backend(PostgresQueueBackend.builder(DB.pool()).schema(schema).pollInterval(Duration.ofMinutes(1)));
    await().atMost(Duration.ofSeconds(10)).until(worker::isListening);
    Task rolledBack = task();
    try (Connection c = DB.pool().getConnection()) {
      c.setAutoCommit(false);
      assertThat(b.enqueue(c, rolledBack).created()).isTrue();
      c.rollback();
      c.setAutoCommit(true);
    }
    assertThat(b.find(rolledBack.id())).isEmpty();

    Future<List<Lease>> claim = executor.submit(() -> worker.claim(new ClaimRequest("w", 1, LEASE, Duration.ofSeconds(50))));
    Task committed = task();
    try (Connection c = DB.pool().getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("CREATE TABLE " + schema + ".orders (id text)")) {
        ps.execute();
      }
      b.enqueue(c, committed);
      assertThat(worker.find(committed.id())).as("not visible before the commit").isEmpty();
      await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !claim.isDone());
      c.commit();
      c.setAutoCommit(true);
    }
    assertThat(claim.get(5, TimeUnit.SECONDS)).extracting(Lease::taskId).containsExactly(committed.id());
  }

  @Test
  void enqueues_inside_in_transaction_join_the_hosts_transaction() throws Exception {
    PostgresQueueBackend b = backend(TestDatabase.newSchema());
    Task t = task();
    try (Connection c = DB.pool().getConnection()) {
      c.setAutoCommit(false);
      b.inTransaction(c, () -> b.enqueue(t));
      assertThat(CompletableFuture.supplyAsync(() -> b.find(t.id())).get()).as("other connections don't see it").isEmpty();
      c.rollback();
      c.setAutoCommit(true);
    }
    assertThat(b.find(t.id())).isEmpty();
    Task after = task();
    b.enqueue(after);
    assertThat(b.find(after.id())).as("outside: its own connection").isPresent();
  }

  @Test
  void leases_and_retry_times_are_judged_on_the_database_clock_not_the_workers() throws Exception {
    // This worker's clock is an hour fast.
    InstantSource skewed = InstantSource.offset(Clock.systemUTC(), Duration.ofHours(1));
    PostgresQueueBackend b = backend(PostgresQueueBackend.builder(DB.pool()).schema(TestDatabase.newSchema()).clock(skewed));
    b.enqueue(Task.pending(TaskId.random(), task().request(), skewed.instant()));
    Lease first = claimOne(b, Duration.ofSeconds(20));
    assertThat(first.expiresAt()).isBetween(Instant.now().plusSeconds(15), Instant.now().plusSeconds(25));
    Instant retryAt = skewed.instant().plusMillis(800);
    b.finish(first, new Outcome.Failed(TaskError.of(ErrorKind.INPUT, "HTTP 503"), retryAt));
    long start = System.nanoTime();
    assertThat(b.claim(new ClaimRequest("w", 1, LEASE, Duration.ZERO))).as("not before its delay").isEmpty();
    Lease second = claimOne(b, LEASE);
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(waited).as("the 800 ms delay carried over to the database's clock").isBetween(500L, 5_000L);
  }

  @Test
  void a_dead_workers_task_whose_cancel_was_requested_ends_cancelled_not_retried() throws Exception {
    PostgresQueueBackend b = backend(TestDatabase.newSchema());
    b.enqueue(task());
    Lease l = claimOne(b, Duration.ofMillis(300));
    b.cancel(l.taskId());
    List<Task> reaped = await().atMost(Duration.ofSeconds(10)).until(b::reapExpiredLeases, r -> !r.isEmpty());
    assertThat(reaped).extracting(Task::status).containsExactly(TaskStatus.CANCELLED);
    assertThat(reaped.get(0).error().kind()).isEqualTo(ErrorKind.CANCELLED);
    assertThat(b.claim(new ClaimRequest("w", 1, LEASE, Duration.ZERO))).isEmpty();
  }

  @Test
  void an_expired_lease_is_reaped_by_any_process_and_fenced_on_every_write() throws Exception {
    String schema = TestDatabase.newSchema();
    PostgresQueueBackend dead = backend(schema);
    PostgresQueueBackend alive = backend(schema);
    Task t = task();
    dead.enqueue(t);
    Lease stale = claimOne(dead, Duration.ofMillis(300));
    List<Task> reaped = await().atMost(Duration.ofSeconds(10)).until(alive::reapExpiredLeases, r -> !r.isEmpty());
    assertThat(reaped.get(0).error().message()).contains("stopped renewing its lease on attempt 1");
    Lease fresh = claimOne(alive, LEASE);
    assertThat(dead.renew(new Renewal(stale, 0.9, LEASE))).isEqualTo(LeaseState.LOST);
    assertThatThrownBy(() -> dead.finish(stale, new Outcome.Released())).isInstanceOf(io.ffmpegqueue.spi.LeaseLostException.class);
    assertThat(alive.renew(new Renewal(fresh, 0.5, LEASE))).isEqualTo(LeaseState.ACTIVE);
    assertThat(alive.find(t.id()).orElseThrow().progress()).isEqualTo(0.5);
  }

  @Test
  void pruning_removes_a_long_history_in_small_batches_and_keeps_the_newest() throws Exception {
    String schema = TestDatabase.newSchema();
    PostgresQueueBackend b = backend(PostgresQueueBackend.builder(DB.pool()).schema(schema).retentionCount(100));
    DB.db().execute("INSERT INTO " + schema + ".ffq_tasks (id, status, priority, run_at, created_at, max_attempts, request,"
        + " finished_at) SELECT 'old-' || g, 'COMPLETED', 0, now(), now(), 1, '{}'::jsonb,"
        + " now() - (3000 - g) * interval '1 second' FROM generate_series(1, 2600) g");
    Task pending = task();
    b.enqueue(pending);
    assertThat(b.prune()).isEqualTo(2500);
    assertThat(b.counts().get(TaskStatus.COMPLETED)).isEqualTo(100);
    assertThat(DB.queryLong("SELECT count(*) FROM " + schema + ".ffq_tasks WHERE id = 'old-2600'")).isEqualTo(1);
    assertThat(DB.queryLong("SELECT count(*) FROM " + schema + ".ffq_tasks WHERE id = 'old-2500'")).isZero();
    assertThat(b.find(pending.id())).isPresent();
  }

  @Test
  void a_database_that_cannot_be_reached_gives_a_clear_error_without_the_password() {
    HikariDataSource nowhere = new HikariDataSource();
    nowhere.setJdbcUrl("jdbc:postgresql://127.0.0.1:1/none");
    nowhere.setUsername("ffq");
    nowhere.setPassword("s3cret-pw");
    nowhere.setConnectionTimeout(500);
    nowhere.setInitializationFailTimeout(-1);
    try (nowhere) {
      assertThatThrownBy(() -> PostgresQueueBackend.builder(nowhere).build())
          .isInstanceOf(FfmpegQueueException.class)
          .hasMessageContaining("PostgreSQL: could not migrate")
          .satisfies(e -> assertThat(e.toString()).doesNotContain("s3cret-pw"));
    }
  }
}
