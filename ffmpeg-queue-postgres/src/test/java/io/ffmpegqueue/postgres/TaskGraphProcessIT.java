package io.ffmpegqueue.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.io.FileInputFetcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task graphs across processes: worker JVMs killed with SIGKILL while parents complete and children start never
 * strand a child (readiness is written in the transaction that completes the last parent), and no child starts
 * before its parent completed.
 */
class TaskGraphProcessIT {
  @RegisterExtension
  static final TestDatabase.PerClass DB = new TestDatabase.PerClass(10);

  @TempDir
  Path dir;

  @Test
  void workers_killed_with_sigkill_mid_graph_strand_no_child_and_the_join_completes() throws Exception {
    String schema = TestDatabase.newSchema();
    PostgresQueueBackend.builder(DB.pool()).schema(schema).notifications(false).build().close();
    DB.db().execute("CREATE TABLE " + schema + ".executions (task_id text NOT NULL, attempt int NOT NULL, worker text NOT NULL)");
    Path input = Files.writeString(dir.resolve("input.mp4"), "x");
    try (WorkerProcesses workers = new WorkerProcesses(DB.db().jdbcUrl(), schema, "slow", 4, 2_000, 400, 500);
         PostgresQueueBackend backend = PostgresQueueBackend.builder(DB.pool()).schema(schema).build();
         FfmpegQueue api = FfmpegQueue.builder().backend(backend).workers(0)
             .fetcher(FileInputFetcher.allowing(dir)).build()) {
      workers.start("worker-a");
      workers.start("worker-b");
      TaskRequest work = TaskRequest.builder().command("-i input.mp4 output.mp4").input("input.mp4", input.toUri())
          .output("output.mp4").maxAttempts(5).build();
      List<TaskId> children = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        TaskId parent = api.submit(work).id();
        children.add(api.submit(work.toBuilder().after(parent).build()).id());
      }
      TaskId join = api.submit(TaskRequest.builder().after(children).build()).id();

      await().atMost(Duration.ofSeconds(60)).until(() -> executions(schema) >= 15);
      workers.kill9("worker-a");
      workers.start("worker-c");
      await().atMost(Duration.ofSeconds(60)).until(() -> executions(schema) >= 45);
      workers.kill9("worker-b");
      workers.start("worker-d");

      Task done = await().atMost(Duration.ofSeconds(90))
          .until(() -> api.find(join).orElseThrow(), t -> t.status().isFinal());
      assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(TaskStatus.COMPLETED);
      Map<TaskStatus, Long> counts = api.counts();
      assertThat(counts.get(TaskStatus.COMPLETED)).isEqualTo(81);
      assertThat(DB.queryLong("SELECT count(DISTINCT task_id) FROM " + schema + ".executions"))
          .as("every parent and child ran (the join needs no worker's handler)").isEqualTo(80);
      assertThat(DB.queryLong("SELECT count(*) FROM " + schema + ".ffq_task_edges WHERE NOT done")).isZero();
      assertThat(DB.queryLong("SELECT count(*) FROM " + schema + ".ffq_tasks c JOIN " + schema
          + ".ffq_task_edges e ON e.child_id = c.id JOIN " + schema + ".ffq_tasks p ON p.id = e.parent_id"
          + " WHERE c.started_at < p.finished_at")).as("no task started before a parent had completed").isZero();
    }
  }

  private static long executions(String schema) {
    return DB.queryLong("SELECT count(*) FROM " + schema + ".executions");
  }
}
