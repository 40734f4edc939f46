package io.ffmpegqueue.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The backend's own VACUUM after every so many claimed tasks ({@code vacuumEvery}): it runs, as the server's
 * statistics show, and a database user that may not vacuum the table keeps claiming all the same.
 */
class PostgresVacuumIT {
  private static final Duration LEASE = Duration.ofSeconds(30);

  @RegisterExtension
  static final TestDatabase.PerClass DB = new TestDatabase.PerClass(10);

  private final List<AutoCloseable> made = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = made.size() - 1; i >= 0; i--) {
      made.get(i).close();
    }
  }

  private static Task task() {
    TaskRequest r = TaskRequest.builder()
        .command("-i input.mp4 output.mp4")
        .input("input.mp4", URI.create("https://example.com/a.mp4"))
        .output("output.mp4")
        .build();
    return Task.pending(TaskId.random(), r, Instant.now());
  }

  /** Enqueues {@code n} tasks, then claims and completes them ten at a time. */
  private static void run(PostgresQueueBackend b, int n) throws InterruptedException {
    for (int i = 0; i < n; i++) {
      b.enqueue(task());
    }
    int done = 0;
    while (done < n) {
      List<Lease> leases = b.claim(new ClaimRequest("w", 10, LEASE, Duration.ZERO));
      assertThat(leases).isNotEmpty();
      for (Lease l : leases) {
        b.finish(l, new Outcome.Completed(List.of()));
      }
      done += leases.size();
    }
  }

  private static long vacuums(String schema) {
    return DB.queryLong("SELECT vacuum_count FROM pg_stat_user_tables WHERE schemaname = '" + schema + "'"
        + " AND relname = 'ffq_tasks'");
  }

  @Test
  void theTableIsVacuumedOnceEnoughTasksHaveBeenClaimed() throws Exception {
    String schema = TestDatabase.newSchema();
    PostgresQueueBackend b = PostgresQueueBackend.builder(DB.pool()).schema(schema).vacuumEvery(50).build();
    made.add(b);

    run(b, 60);

    // The statistics reach pg_stat_user_tables a moment after the vacuum.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(vacuums(schema)).isPositive());
  }

  @Test
  void aUserThatMayNotVacuumTheTableStillClaimsEverything() throws Exception {
    String schema = TestDatabase.newSchema();
    // The owner makes the tables; another user gets only the rights that running the queue needs.
    made.add(PostgresQueueBackend.builder(DB.pool()).schema(schema).build());
    String user = "worker_" + schema;
    DB.db().execute("CREATE ROLE " + user + " LOGIN");
    DB.db().execute("GRANT USAGE ON SCHEMA " + schema + " TO " + user);
    DB.db().execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + schema + " TO " + user);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(DB.db().jdbcUrl().replace("user=postgres", "user=" + user));
    config.setMaximumPoolSize(4);
    HikariDataSource pool = new HikariDataSource(config);
    made.add(pool);
    PostgresQueueBackend b = PostgresQueueBackend.builder(pool).schema(schema).migrate(false).vacuumEvery(10).build();
    made.add(b);

    run(b, 40);
    run(b, 40);

    assertThat(b.counts().get(TaskStatus.COMPLETED)).isEqualTo(80);
    assertThat(vacuums(schema)).isZero();
  }
}
