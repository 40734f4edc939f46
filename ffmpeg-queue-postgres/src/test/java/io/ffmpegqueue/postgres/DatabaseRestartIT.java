package io.ffmpegqueue.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The database restarts while worker processes run tasks: they reconnect and carry on, nothing is lost. */
class DatabaseRestartIT {
  @RegisterExtension
  static final TestDatabase.PerClass DB = new TestDatabase.PerClass(6);

  private static Task task() {
    return Task.pending(TaskId.random(), TaskRequest.builder()
        .command("-i input.mp4 output.mp4")
        .input("input.mp4", URI.create("file:/nonexistent/input.mp4"))
        .output("output.mp4")
        .maxAttempts(10)
        .build(), Instant.now());
  }

  @Test
  void workers_reconnect_after_a_database_restart_and_no_task_is_lost() throws Exception {
    String schema = TestDatabase.newSchema();
    PostgresQueueBackend.builder(DB.pool()).schema(schema).notifications(false).build().close();
    DB.db().execute("CREATE TABLE " + schema + ".executions (task_id text NOT NULL, attempt int NOT NULL, worker text NOT NULL)");
    try (WorkerProcesses workers = new WorkerProcesses(DB.db().jdbcUrl(), schema, "slow", 4, 3_000, 500, 500);
         PostgresQueueBackend api = PostgresQueueBackend.builder(DB.pool()).schema(schema).build()) {
      workers.start("worker-a");
      workers.start("worker-b");
      for (int i = 0; i < 200; i++) {
        api.enqueue(task());
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> api.counts().get(TaskStatus.COMPLETED) >= 40);
      long before = api.counts().get(TaskStatus.COMPLETED);

      DB.db().restart();

      await("the workers and this process to listen again").atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
          DB.queryLong("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN \"" + schema + ".%'") >= 3);
      for (int i = 0; i < 100; i++) {
        api.enqueue(task());
      }
      await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> api.counts().get(TaskStatus.COMPLETED) == 300);
      Map<TaskStatus, Long> counts = api.counts();
      assertThat(counts.get(TaskStatus.RUNNING)).isZero();
      assertThat(counts.get(TaskStatus.PENDING)).isZero();
      assertThat(counts.get(TaskStatus.FAILED)).isZero();
      assertThat(DB.queryLong("SELECT count(DISTINCT task_id) FROM " + schema + ".executions")).isEqualTo(300);
      assertThat(DB.queryLong("SELECT count(DISTINCT worker) FROM " + schema + ".executions")).isEqualTo(2);
      System.out.println("database restarted after " + before + " of 200 tasks; all 300 completed, "
          + (DB.queryLong("SELECT count(*) FROM " + schema + ".executions") - 300) + " executions repeated");
    }
  }
}
