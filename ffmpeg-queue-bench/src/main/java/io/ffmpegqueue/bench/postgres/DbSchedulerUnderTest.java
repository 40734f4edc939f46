package io.ffmpegqueue.bench.postgres;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * db-scheduler with its lock-and-fetch polling (one {@code UPDATE ... FOR UPDATE SKIP LOCKED RETURNING} per
 * fetch), a no-op one-time task, immediate execution for tasks scheduled in this JVM and a 100 ms polling
 * interval, on its documented PostgreSQL table.
 */
final class DbSchedulerUnderTest implements QueueUnderTest {
  private static final String TABLE = "bench_scheduled_tasks";

  private final DataSource dataSource;
  private final OneTimeTask<Void> task;
  private final Scheduler scheduler;

  DbSchedulerUnderTest(DataSource dataSource, int workers, Latencies latencies) throws Exception {
    this.dataSource = dataSource;
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + TABLE);
      s.execute("CREATE TABLE " + TABLE + " (task_name text NOT NULL, task_instance text NOT NULL, task_data bytea,"
          + " execution_time timestamptz NOT NULL, picked boolean NOT NULL, picked_by text,"
          + " last_success timestamptz, last_failure timestamptz, consecutive_failures int,"
          + " last_heartbeat timestamptz, version bigint NOT NULL, priority smallint,"
          + " PRIMARY KEY (task_name, task_instance))");
      s.execute("CREATE INDEX " + TABLE + "_execution_time_idx ON " + TABLE + " (execution_time)");
      s.execute("CREATE INDEX " + TABLE + "_last_heartbeat_idx ON " + TABLE + " (last_heartbeat)");
      s.execute("CREATE INDEX " + TABLE + "_priority_execution_time_idx ON " + TABLE + " (priority DESC, execution_time ASC)");
    }
    this.task = Tasks.oneTime("noop").execute((instance, ctx) -> {
      String id = instance.getId();
      latencies.started(Long.parseLong(id.substring(id.indexOf('-') + 1)));
    });
    this.scheduler = Scheduler.create(dataSource, task)
        .tableName(TABLE)
        .threads(workers)
        .pollUsingLockAndFetch(0.5, 1.0)
        .pollingInterval(Duration.ofMillis(100))
        .enableImmediateExecution()
        .build();
  }

  @Override
  public void startWorkers() {
    scheduler.start();
  }

  @Override
  public void enqueue(int i, long enqueuedNanos) {
    scheduler.schedule(task.instance(i + "-" + enqueuedNanos), Instant.now(),
        SchedulerClient.ScheduleOptions.WHEN_EXISTS_DO_NOTHING);
  }

  @Override
  public long remaining() throws Exception {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM " + TABLE)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void close() throws java.sql.SQLException {
    scheduler.stop();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE " + TABLE);
    }
  }
}
