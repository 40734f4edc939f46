package io.ffmpegqueue.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker's end that the server aborts for a deadlock runs again: the attempt's result is recorded, not lost to
 * lease expiry. A real deadlock on a real server: the end of a parent locks its row, then its waiting child's
 * (the graph trigger); another transaction holds the child's row and then asks for the parent's.
 */
class PostgresDeadlockIT {
  private static final Duration LEASE = Duration.ofSeconds(60);

  @RegisterExtension
  static final TestDatabase.PerClass DB = new TestDatabase.PerClass(4);

  private static HikariDataSource pool;

  private final ExecutorService executor = Executors.newCachedThreadPool();
  private PostgresQueueBackend backend;

  @BeforeAll
  static void slowDeadlockCheck() {
    // The backend's sessions look for a deadlock 5 s into a lock wait (the default is 1 s): by then the other
    // transaction waits too, so theirs is the one the server finds and aborts, however slow the machine.
    DB.db().execute("ALTER ROLE postgres SET deadlock_timeout = '5s'");
    pool = DB.db().pool(8); // its sessions start after the change
  }

  @AfterEach
  void close() throws InterruptedException {
    executor.shutdownNow();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    if (backend != null) {
      backend.close();
    }
  }

  private static Task task(TaskId... after) {
    TaskRequest r = TaskRequest.builder()
        .command("-i input.mp4 output.mp4")
        .input("input.mp4", URI.create("https://example.com/a.mp4"))
        .output("output.mp4")
        .after(after)
        .build();
    return Task.pending(TaskId.random(), r, Instant.now());
  }

  @Test
  void an_end_the_server_aborts_for_a_deadlock_runs_again_and_readies_the_child() throws Exception {
    String schema = TestDatabase.newSchema();
    backend = PostgresQueueBackend.builder(pool).schema(schema).build();
    TaskId parent = backend.enqueue(task()).task().id();
    TaskId child = backend.enqueue(task(parent)).task().id();
    List<Lease> leases = backend.claim(new ClaimRequest("w", 2, LEASE, Duration.ZERO));
    assertThat(leases).extracting(Lease::taskId).containsExactly(parent); // the child waits
    String table = schema + ".ffq_tasks";
    long deadlocks = deadlocks();

    try (Connection other = DB.db().pool(1).getConnection()) {
      try (Statement s = other.createStatement()) {
        s.execute("SET deadlock_timeout = '10min'"); // never this one's check: the worker's finds the cycle
      }
      other.setAutoCommit(false);
      lockRow(other, "SELECT 1 FROM " + table + " WHERE id = ? FOR UPDATE", child);
      Future<Task> end = executor.submit(() -> backend.finish(leases.get(0), new Outcome.Completed(List.of())));
      // The end has locked the parent's row and waits for the child's.
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> waitingOnLocks(schema) == 1);
      Future<?> cycle = executor.submit(() -> {
        lockRow(other, "UPDATE " + table + " SET priority = priority WHERE id = ?", parent);
        return null;
      });
      cycle.get(60, TimeUnit.SECONDS); // the server aborted the end's transaction, so the parent's row was free
      other.commit();

      Task ended = end.get(60, TimeUnit.SECONDS);
      assertThat(ended.status()).isEqualTo(TaskStatus.COMPLETED);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> deadlocks() == deadlocks + 1);
    Task waiting = backend.find(child).orElseThrow();
    assertThat(waiting.status()).isEqualTo(TaskStatus.PENDING);
    assertThat(waiting.waitingFor()).isEmpty();
    assertThat(backend.claim(new ClaimRequest("w", 1, LEASE, Duration.ZERO))).extracting(Lease::taskId)
        .containsExactly(child);
  }

  private static void lockRow(Connection c, String sql, TaskId id) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, id.value());
      ps.execute();
    }
  }

  private static long waitingOnLocks(String schema) {
    return DB.queryLong("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        + " AND query LIKE '%" + schema + ".ffq_tasks%'");
  }

  private static long deadlocks() {
    return DB.queryLong("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
  }
}
