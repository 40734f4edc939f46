package io.ffmpegqueue.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Submission;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.spi.StopReason;
import io.ffmpegqueue.spi.TaskHandler;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue itself on the PostgreSQL backend: an API queue with no workers and a worker queue, each with its
 * own backend as if in two processes, share one database.
 */
class QueueOnPostgresIT {
  @RegisterExtension
  static final TestDatabase.PerClass DB = new TestDatabase.PerClass(20);

  @TempDir
  Path dir;

  private TaskRequest request() throws Exception {
    Path in = dir.resolve("input.mp4");
    if (!Files.exists(in)) {
      Files.writeString(in, "not really a video");
    }
    return TaskRequest.builder()
        .command("-i input.mp4 output.mp4")
        .input("input.mp4", in.toUri())
        .output("output.mp4")
        .build();
  }

  private FfmpegQueue.Builder queue(PostgresQueueBackend backend) {
    return FfmpegQueue.builder()
        .backend(backend)
        .fetcher(FileInputFetcher.allowing(dir));
  }

  @Test
  void listeners_of_an_api_process_see_tasks_that_a_worker_elsewhere_starts_and_finishes() throws Exception {
    String schema = TestDatabase.newSchema();
    TaskHandler handler = ctx -> List.of(new TaskOutput("output.mp4",
        URI.create("file:/out/" + ctx.task().id() + "/output.mp4"), 1, "video/mp4", null, null, null));
    try (PostgresQueueBackend apiBackend = PostgresQueueBackend.builder(DB.pool()).schema(schema).build();
         PostgresQueueBackend workerBackend = PostgresQueueBackend.builder(DB.pool()).schema(schema).build();
         FfmpegQueue api = queue(apiBackend).workers(0).build();
         FfmpegQueue worker = queue(workerBackend).workers(2).handler(handler).build()) {
      List<String> events = new CopyOnWriteArrayList<>();
      api.subscribe(e -> events.add(e.type() + " " + e.task().status()));
      await().atMost(Duration.ofSeconds(10)).until(apiBackend::isListening);
      Submission s = api.submit(request());
      Task done = s.completion().get(10, TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(done.outputUrl()).isEqualTo("file:/out/" + s.id() + "/output.mp4");
      assertThat(worker.find(s.id())).contains(done);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(events).contains("SUBMITTED PENDING", "COMPLETED COMPLETED").anyMatch(e -> e.startsWith("STARTED")));
    }
  }

  @Test
  void a_cancel_in_the_api_process_stops_the_task_in_the_worker_process_at_once() throws Exception {
    String schema = TestDatabase.newSchema();
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<StopReason> stoppedFor = new AtomicReference<>();
    CountDownLatch stopped = new CountDownLatch(1);
    TaskHandler handler = ctx -> {
      ctx.onStop(() -> {
        stoppedFor.set(ctx.stopReason());
        stopped.countDown();
      });
      started.countDown();
      stopped.await(60, TimeUnit.SECONDS);
      return List.of();
    };
    try (PostgresQueueBackend apiBackend = PostgresQueueBackend.builder(DB.pool()).schema(schema).build();
         PostgresQueueBackend workerBackend = PostgresQueueBackend.builder(DB.pool()).schema(schema).build();
         FfmpegQueue api = queue(apiBackend).workers(0).build();
         // Heartbeats every 30 s: only the notice can bring the cancel in time.
         FfmpegQueue worker = queue(workerBackend).workers(1).handler(handler)
             .leaseDuration(Duration.ofSeconds(60)).heartbeatInterval(Duration.ofSeconds(30)).build()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> apiBackend.isListening() && workerBackend.isListening());
      Submission s = api.submit(request());
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(worker.activeWorkers()).isEqualTo(1);
      assertThat(api.cancel(s.id()).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
      // Well before the next heartbeat (30 s): only the cancel notice can have stopped it.
      assertThat(stopped.await(5, TimeUnit.SECONDS)).as("the worker stopped the task").isTrue();
      assertThat(stoppedFor.get()).isEqualTo(StopReason.CANCELLED);
      Task end = s.completion().get(10, TimeUnit.SECONDS);
      assertThat(end.status()).isEqualTo(TaskStatus.CANCELLED);
    }
  }

  @Test
  void a_submission_in_the_hosts_transaction_is_validated_and_exists_only_after_commit() throws Exception {
    String schema = TestDatabase.newSchema();
    try (PostgresQueueBackend backend = PostgresQueueBackend.builder(DB.pool()).schema(schema).build();
         FfmpegQueue api = queue(backend).workers(0).build();
         var c = DB.pool().getConnection()) {
      c.setAutoCommit(false);
      Submission s = backend.inTransaction(c, () -> {
        try {
          return api.submit(request());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(api.find(s.id())).isEmpty();
      c.commit();
      assertThat(api.find(s.id())).map(Task::status).contains(TaskStatus.PENDING);
      c.setAutoCommit(true);
    }
  }

  @Test
  void a_final_event_reaches_the_api_once_although_both_processes_listen() throws Exception {
    String schema = TestDatabase.newSchema();
    try (PostgresQueueBackend apiBackend = PostgresQueueBackend.builder(DB.pool()).schema(schema).build();
         PostgresQueueBackend workerBackend = PostgresQueueBackend.builder(DB.pool()).schema(schema).build();
         FfmpegQueue api = queue(apiBackend).workers(0).build();
         FfmpegQueue worker = queue(workerBackend).workers(2).handler(ctx -> List.of()).build()) {
      List<TaskEvent> apiCompleted = new CopyOnWriteArrayList<>();
      List<TaskEvent> workerCompleted = new CopyOnWriteArrayList<>();
      api.subscribe(TaskEvent.Type.COMPLETED, apiCompleted::add);
      worker.subscribe(TaskEvent.Type.COMPLETED, workerCompleted::add);
      await().atMost(Duration.ofSeconds(10)).until(() -> apiBackend.isListening() && workerBackend.isListening());
      for (int i = 0; i < 20; i++) {
        api.submit(request());
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> apiCompleted.size() >= 20 && workerCompleted.size() >= 20);
      // Events reach each subscription in order, so once a last task's event is in, a duplicate of an earlier
      // one would be too.
      Submission last = api.submit(request());
      await().atMost(Duration.ofSeconds(10)).until(() ->
          apiCompleted.stream().anyMatch(e -> e.taskId().equals(last.id()))
              && workerCompleted.stream().anyMatch(e -> e.taskId().equals(last.id())));
      assertThat(apiCompleted).hasSize(21);
      assertThat(workerCompleted).hasSize(21);
    }
  }
}
