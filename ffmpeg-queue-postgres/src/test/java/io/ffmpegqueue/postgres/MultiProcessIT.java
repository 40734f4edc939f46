package io.ffmpegqueue.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.io.FileInputFetcher;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker processes (separate JVMs) and an API process (this one) on one database: tasks are done exactly
 * once, and a worker killed with SIGKILL loses nothing.
 */
class MultiProcessIT {
  @RegisterExtension
  static final TestDatabase.PerClass DB = new TestDatabase.PerClass(10);

  @TempDir
  Path dir;

  private static String prepareSchema() {
    String schema = TestDatabase.newSchema();
    PostgresQueueBackend.builder(DB.pool()).schema(schema).notifications(false).build().close();
    DB.db().execute("CREATE TABLE " + schema + ".executions (task_id text NOT NULL, attempt int NOT NULL, worker text NOT NULL)");
    DB.db().execute("CREATE TABLE " + schema + ".children (task_id text NOT NULL, attempt int NOT NULL, pid bigint NOT NULL)");
    return schema;
  }

  private static TaskRequest request(URI input, int maxAttempts, Map<String, String> metadata) {
    return TaskRequest.builder()
        .command("-i input.mp4 output.mp4")
        .input("input.mp4", input)
        .output("output.mp4")
        .maxAttempts(maxAttempts)
        .metadata(metadata)
        .build();
  }

  @Test
  void two_worker_processes_and_an_api_process_do_200_tasks_each_exactly_once() throws Exception {
    String schema = prepareSchema();
    Path input = Files.writeString(dir.resolve("input.mp4"), "x");
    try (WorkerProcesses workers = new WorkerProcesses(DB.db().jdbcUrl(), schema, "record", 4, 5_000, 1_000, 1_000);
         PostgresQueueBackend backend = PostgresQueueBackend.builder(DB.pool()).schema(schema).build();
         FfmpegQueue api = FfmpegQueue.builder().backend(backend).workers(0)
             .fetcher(FileInputFetcher.allowing(dir)).build()) {
      workers.start("worker-a");
      workers.start("worker-b");
      Set<TaskId> completedEvents = ConcurrentHashMap.newKeySet();
      api.subscribe(TaskEvent.Type.COMPLETED, e -> completedEvents.add(e.taskId()));
      await().atMost(Duration.ofSeconds(10)).until(backend::isListening);
      Set<TaskId> ids = new HashSet<>();
      for (int i = 0; i < 200; i++) {
        ids.add(api.submit(request(input.toUri(), 3, Map.of())).id());
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> api.counts().get(TaskStatus.COMPLETED) == 200);
      assertThat(DB.queryLong("SELECT count(*) FROM " + schema + ".executions")).as("executions").isEqualTo(200);
      assertThat(DB.queryLong("SELECT count(DISTINCT task_id) FROM " + schema + ".executions")).isEqualTo(200);
      assertThat(DB.queryLong("SELECT count(DISTINCT worker) FROM " + schema + ".executions")).as("both workers took part").isEqualTo(2);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(completedEvents).isEqualTo(ids));
    }
  }

  @Test
  void a_worker_killed_mid_task_loses_nothing_its_pdeathsig_child_dies_with_it_and_the_other_worker_completes_it()
      throws Exception {
    String schema = prepareSchema();
    Path input = Files.writeString(dir.resolve("input.mp4"), "x");
    try (WorkerProcesses workers = new WorkerProcesses(DB.db().jdbcUrl(), schema, "child", 2, 2_000, 400, 500);
         PostgresQueueBackend backend = PostgresQueueBackend.builder(DB.pool()).schema(schema).build();
         FfmpegQueue api = FfmpegQueue.builder().backend(backend).workers(0)
             .fetcher(FileInputFetcher.allowing(dir)).build()) {
      workers.start("worker-a");
      workers.start("worker-b");
      TaskId longTask = api.submit(request(input.toUri(), 3, Map.of("long", "true"))).id();
      for (int i = 0; i < 30; i++) {
        api.submit(request(input.toUri(), 3, Map.of()));
      }
      long pid = await().atMost(Duration.ofSeconds(30)).until(() ->
          DB.queryLong("SELECT coalesce(max(pid), -1) FROM " + schema + ".children WHERE task_id = '" + longTask + "'"), p -> p > 0);
      String owner = workerOf(schema, longTask, 1);
      assertThat(isRunning(pid)).as("the child runs").isTrue();
      Instant killedAt = Instant.now();
      workers.kill9(owner);

      await("the orphaned child to die").atMost(Duration.ofSeconds(10)).until(() -> !isRunning(pid));
      Task done = await().atMost(Duration.ofSeconds(30))
          .until(() -> api.find(longTask).orElseThrow(), t -> t.status() == TaskStatus.COMPLETED);
      String other = owner.equals("worker-a") ? "worker-b" : "worker-a";
      assertThat(done.attempt()).isEqualTo(2);
      assertThat(done.outputUrl()).isEqualTo("exec:" + other + "/2");
      System.out.println("task of the killed worker completed by " + other + " "
          + Duration.between(killedAt, done.finishedAt()).toMillis() + " ms after the kill");
      await().atMost(Duration.ofSeconds(30)).until(() -> api.counts().get(TaskStatus.COMPLETED) == 31);
      Map<TaskStatus, Long> counts = api.counts();
      assertThat(counts.get(TaskStatus.RUNNING)).as("none stuck RUNNING").isZero();
      assertThat(counts.get(TaskStatus.PENDING)).isZero();
      assertThat(counts.get(TaskStatus.FAILED)).isZero();
    }
  }

  @Test
  void a_worker_killed_mid_ffmpeg_loses_nothing_its_ffmpeg_dies_with_it_and_the_other_worker_completes_the_task()
      throws Exception {
    String schema = prepareSchema();
    try (WorkerProcesses workers = new WorkerProcesses(DB.db().jdbcUrl(), schema, "ffmpeg", 1, 2_000, 400, 500, dir);
         PostgresQueueBackend backend = PostgresQueueBackend.builder(DB.pool()).schema(schema).build();
         FfmpegQueue api = FfmpegQueue.builder().backend(backend).workers(0).build()) {
      workers.start("worker-a");
      workers.start("worker-b");
      // Real time (-re): six seconds of encoding, long enough to be killed in the middle.
      TaskId id = api.submit(TaskRequest.builder()
          .command("-re -f lavfi -i testsrc=d=6:s=160x120:r=10 -c:v libx264 -preset ultrafast output.mp4")
          .output("output.mp4")
          .maxAttempts(3)
          .build()).id();
      String owner = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> workerOf(schema, id, 1), w -> w != null);
      Process worker = workers.process(owner);
      List<ProcessHandle> ffmpeg = await("ffmpeg to run under " + owner).atMost(Duration.ofSeconds(30))
          .until(() -> worker.descendants().filter(h -> commandLine(h.pid()).contains("testsrc")).toList(),
              l -> !l.isEmpty());
      List<ProcessHandle> tree = worker.descendants().toList();
      workers.kill9(owner);

      await("ffmpeg and its sandbox to die with their worker").atMost(Duration.ofSeconds(10))
          .until(() -> tree.stream().noneMatch(h -> isRunning(h.pid())));
      assertThat(ffmpeg).allSatisfy(h -> assertThat(isRunning(h.pid())).isFalse());
      Task done = await().atMost(Duration.ofSeconds(60))
          .until(() -> api.find(id).orElseThrow(), t -> t.status().isFinal());
      assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(TaskStatus.COMPLETED);
      assertThat(done.attempt()).isEqualTo(2);
      assertThat(done.outputs()).singleElement().satisfies(o -> assertThat(o.size()).isPositive());
      assertThat(workerOf(schema, id, 2)).isEqualTo(owner.equals("worker-a") ? "worker-b" : "worker-a");
      Map<TaskStatus, Long> counts = api.counts();
      assertThat(counts.get(TaskStatus.RUNNING)).as("none stuck RUNNING").isZero();
      assertThat(counts.get(TaskStatus.PENDING)).isZero();
    }
  }

  @Test
  void ten_thousand_tasks_with_random_worker_kills_each_complete_exactly_once() throws Exception {
    String schema = prepareSchema();
    int tasks = 10_000;
    URI input = URI.create("file:/nonexistent/input.mp4");
    Random random = new Random(42);
    try (WorkerProcesses workers = new WorkerProcesses(DB.db().jdbcUrl(), schema, "record", 8, 3_000, 500, 500);
         PostgresQueueBackend backend = PostgresQueueBackend.builder(DB.pool()).schema(schema).capacity(tasks).build()) {
      for (int i = 0; i < tasks; i++) {
        backend.enqueue(Task.pending(TaskId.random(), request(input, 50, Map.of()), Instant.now()));
      }
      long t0 = System.nanoTime();
      int started = 0;
      for (; started < 3; started++) {
        workers.start("worker-" + started);
      }
      // Kill a random worker each time some hundreds more tasks are done, and start a new one, until six are
      // killed or nine tenths of the work is done.
      int kills = 0;
      List<CompletableFuture<Void>> replacements = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (kills < 6 && System.nanoTime() < deadline && backend.counts().get(TaskStatus.COMPLETED) < tasks * 9L / 10) {
        long completed = backend.counts().get(TaskStatus.COMPLETED);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
            .until(() -> backend.counts().get(TaskStatus.COMPLETED) > completed + 300);
        List<String> alive = workers.alive();
        workers.kill9(alive.get(random.nextInt(alive.size())));
        kills++;
        String replacement = "worker-" + started++;
        replacements.add(CompletableFuture.runAsync(() -> workers.start(replacement)));
      }
      CompletableFuture.allOf(replacements.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
          .until(() -> backend.counts().get(TaskStatus.COMPLETED) == tasks);

      Map<TaskStatus, Long> counts = backend.counts();
      assertThat(counts.get(TaskStatus.COMPLETED)).isEqualTo(tasks);
      assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).as("nothing else").isEqualTo(tasks);
      // The result of each task is that of its last attempt, and that attempt really ran.
      assertThat(DB.queryLong("SELECT count(*) FROM " + schema + ".ffq_tasks t WHERE jsonb_array_length(t.outputs) <> 1"
          + " OR t.outputs->0->>'url' NOT LIKE 'exec:%/' || t.attempt")).isZero();
      assertThat(DB.queryLong("SELECT count(*) FROM " + schema + ".ffq_tasks t WHERE NOT EXISTS (SELECT 1 FROM "
          + schema + ".executions e WHERE e.task_id = t.id AND e.attempt = t.attempt"
          + " AND t.outputs->0->>'url' = 'exec:' || e.worker || '/' || e.attempt)")).isZero();
      long executions = DB.queryLong("SELECT count(*) FROM " + schema + ".executions");
      long executed = DB.queryLong("SELECT count(DISTINCT task_id) FROM " + schema + ".executions");
      assertThat(executed).isEqualTo(tasks);
      long retried = DB.queryLong("SELECT count(*) FROM " + schema + ".ffq_tasks WHERE attempt > 1");
      System.out.println("10,000 tasks in " + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms, " + kills
          + " workers killed: " + (executions - tasks)
          + " duplicate executions (re-runs after a kill); " + retried + " tasks needed more than one attempt");
    }
  }

  /** The worker that ran attempt {@code attempt} of a task, or null when none did (yet). */
  private static String workerOf(String schema, TaskId id, int attempt) throws Exception {
    try (Connection c = DB.pool().getConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT worker FROM " + schema + ".executions WHERE task_id = '" + id
             + "' AND attempt = " + attempt)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** A process's command line, arguments separated by spaces, or "" when it is gone. */
  private static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")),
          java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /** Whether {@code pid} runs: neither gone nor a zombie waiting for a parent that does not reap. */
  private static boolean isRunning(long pid) {
    Path stat = Path.of("/proc", String.valueOf(pid), "stat");
    try {
      String s = Files.readString(stat);
      String state = s.substring(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3);
      return !state.equals("Z") && !state.equals("X");
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
