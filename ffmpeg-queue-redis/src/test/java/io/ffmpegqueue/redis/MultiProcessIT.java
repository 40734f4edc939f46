package io.ffmpegqueue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.io.FileInputFetcher;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker processes (separate JVMs, {@link WorkerMain}) and an API process (this one) on one Redis: tasks are
 * done exactly once, and a worker killed with SIGKILL loses nothing.
 */
class MultiProcessIT {
  @RegisterExtension
  static final TestRedis.PerClass REDIS = new TestRedis.PerClass("--appendonly", "yes");

  private static RedisClient client;
  private static StatefulRedisConnection<String, String> connection;

  @TempDir
  Path dir;

  @BeforeAll
  static void connect() {
    client = RedisClient.create(REDIS.server().url());
    connection = client.connect();
  }

  @AfterAll
  static void disconnect() {
    connection.close();
    client.shutdown();
  }

  private static RedisCommands<String, String> redis() {
    return connection.sync();
  }

  /** Each execution the workers recorded: task id, attempt, worker. */
  private record Execution(String taskId, int attempt, String worker) {}

  private static List<Execution> executions(String prefix) {
    return redis().lrange(prefix + ":executions", 0, -1).stream().map(s -> s.split("\\|"))
        .map(p -> new Execution(p[0], Integer.parseInt(p[1]), p[2])).toList();
  }

  private static String workerOf(String prefix, TaskId id, int attempt) {
    return executions(prefix).stream().filter(e -> e.taskId().equals(id.value()) && e.attempt() == attempt)
        .map(Execution::worker).findFirst().orElse(null);
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
    String prefix = TestRedis.freshPrefix();
    Path input = Files.writeString(dir.resolve("input.mp4"), "x");
    try (WorkerProcesses workers = new WorkerProcesses(REDIS.server().url(), prefix, "record", 4, 5_000, 1_000, 1_000);
         RedisQueueBackend backend = RedisQueueBackend.builder(REDIS.server().url()).prefix(prefix).build();
         FfmpegQueue api = FfmpegQueue.builder().backend(backend).workers(0)
             .fetcher(FileInputFetcher.allowing(dir)).build()) {
      workers.start("worker-a");
      workers.start("worker-b");
      Set<TaskId> completedEvents = ConcurrentHashMap.newKeySet();
      api.subscribe(TaskEvent.Type.COMPLETED, e -> completedEvents.add(e.taskId()));
      Set<TaskId> ids = new HashSet<>();
      for (int i = 0; i < 200; i++) {
        ids.add(api.submit(request(input.toUri(), 3, Map.of())).id());
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> api.counts().get(TaskStatus.COMPLETED) == 200);
      List<Execution> runs = executions(prefix);
      assertThat(runs).as("executions").hasSize(200);
      assertThat(runs.stream().map(Execution::taskId).distinct().count()).isEqualTo(200);
      assertThat(runs.stream().map(Execution::worker).distinct().count()).as("both workers took part").isEqualTo(2);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(completedEvents).isEqualTo(ids));
    }
  }

  @Test
  void a_worker_killed_mid_task_loses_nothing_its_pdeathsig_child_dies_with_it_and_the_other_worker_completes_it()
      throws Exception {
    String prefix = TestRedis.freshPrefix();
    Path input = Files.writeString(dir.resolve("input.mp4"), "x");
    try (WorkerProcesses workers = new WorkerProcesses(REDIS.server().url(), prefix, "child", 2, 2_000, 400, 500);
         RedisQueueBackend backend = RedisQueueBackend.builder(REDIS.server().url()).prefix(prefix).build();
         FfmpegQueue api = FfmpegQueue.builder().backend(backend).workers(0)
             .fetcher(FileInputFetcher.allowing(dir)).build()) {
      workers.start("worker-a");
      workers.start("worker-b");
      TaskId longTask = api.submit(request(input.toUri(), 3, Map.of("long", "true"))).id();
      for (int i = 0; i < 30; i++) {
        api.submit(request(input.toUri(), 3, Map.of()));
      }
      long pid = await().atMost(Duration.ofSeconds(30)).until(() -> {
        String p = redis().hget(prefix + ":children", longTask.value());
        return p == null ? -1L : Long.parseLong(p);
      }, p -> p > 0);
      String owner = workerOf(prefix, longTask, 1);
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
  void a_cancel_in_the_api_process_reaches_the_worker_process_at_once_and_its_child_dies() throws Exception {
    String prefix = TestRedis.freshPrefix();
    Path input = Files.writeString(dir.resolve("input.mp4"), "x");
    // Heartbeats every 30 s: only the backend's notice can bring the cancel within the wait below.
    try (WorkerProcesses workers = new WorkerProcesses(REDIS.server().url(), prefix, "child", 1, 60_000, 30_000, 1_000);
         RedisQueueBackend backend = RedisQueueBackend.builder(REDIS.server().url()).prefix(prefix).build();
         FfmpegQueue api = FfmpegQueue.builder().backend(backend).workers(0)
             .fetcher(FileInputFetcher.allowing(dir)).build()) {
      workers.start("worker-a");
      TaskId id = api.submit(request(input.toUri(), 3, Map.of("long", "true"))).id();
      long pid = await().atMost(Duration.ofSeconds(30)).until(() -> {
        String p = redis().hget(prefix + ":children", id.value());
        return p == null ? -1L : Long.parseLong(p);
      }, p -> p > 0);
      assertThat(isRunning(pid)).isTrue();
      api.cancel(id);
      Task done = await().atMost(Duration.ofSeconds(10))
          .until(() -> api.find(id).orElseThrow(), t -> t.status().isFinal());
      assertThat(done.status()).isEqualTo(TaskStatus.CANCELLED);
      await("the child to be killed").atMost(Duration.ofSeconds(10)).until(() -> !isRunning(pid));
    }
  }

  @Test
  void a_worker_killed_mid_ffmpeg_loses_nothing_its_ffmpeg_dies_with_it_and_the_other_worker_completes_the_task()
      throws Exception {
    String prefix = TestRedis.freshPrefix();
    try (WorkerProcesses workers = new WorkerProcesses(REDIS.server().url(), prefix, "ffmpeg", 1, 2_000, 400, 500, dir);
         RedisQueueBackend backend = RedisQueueBackend.builder(REDIS.server().url()).prefix(prefix).build();
         FfmpegQueue api = FfmpegQueue.builder().backend(backend).workers(0).build()) {
      workers.start("worker-a");
      workers.start("worker-b");
      // Real time (-re): six seconds of encoding, long enough to be killed in the middle.
      TaskId id = api.submit(TaskRequest.builder()
          .command("-re -f lavfi -i testsrc=d=6:s=160x120:r=10 -c:v libx264 -preset ultrafast output.mp4")
          .output("output.mp4")
          .maxAttempts(3)
          .build()).id();
      String owner = await().atMost(Duration.ofSeconds(60)).until(() -> workerOf(prefix, id, 1), w -> w != null);
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
      assertThat(workerOf(prefix, id, 2)).isEqualTo(owner.equals("worker-a") ? "worker-b" : "worker-a");
      Map<TaskStatus, Long> counts = api.counts();
      assertThat(counts.get(TaskStatus.RUNNING)).as("none stuck RUNNING").isZero();
      assertThat(counts.get(TaskStatus.PENDING)).isZero();
    }
  }

  @Test
  void ten_thousand_tasks_with_random_worker_kills_each_complete_exactly_once() throws Exception {
    String prefix = TestRedis.freshPrefix();
    int tasks = 10_000;
    URI input = URI.create("file:/nonexistent/input.mp4");
    Random random = new Random(42);
    try (WorkerProcesses workers = new WorkerProcesses(REDIS.server().url(), prefix, "slow", 8, 3_000, 500, 500);
         RedisQueueBackend backend = RedisQueueBackend.builder(REDIS.server().url()).prefix(prefix).capacity(tasks)
             .build()) {
      for (int i = 0; i < tasks; i++) {
        backend.enqueue(Task.pending(TaskId.random(), request(input, 50, Map.of()), Instant.now()));
      }
      long t0 = System.nanoTime();
      int started = 0;
      List<CompletableFuture<Void>> first = new ArrayList<>();
      for (; started < 3; started++) {
        String id = "worker-" + started;
        first.add(CompletableFuture.runAsync(() -> workers.start(id)));
      }
      CompletableFuture.allOf(first.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      // Workers of 8 slots with 20 ms of pretend work. Kill a random worker each time some hundreds more tasks are done, and start a new one, until six are
      // killed or nine tenths of the work is done.
      int kills = 0;
      List<CompletableFuture<Void>> replacements = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (kills < 6 && System.nanoTime() < deadline && backend.counts().get(TaskStatus.COMPLETED) < tasks * 9L / 10) {
        long completed = backend.counts().get(TaskStatus.COMPLETED);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
            .until(() -> backend.counts().get(TaskStatus.COMPLETED) > completed + 300);
        List<String> alive = workers.alive();
        if (alive.size() < 2) {
          replacements.get(replacements.size() - 1).get(120, TimeUnit.SECONDS); // never kill the last one
          alive = workers.alive();
        }
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
      Map<String, Set<String>> ran = new HashMap<>();
      List<Execution> runs = executions(prefix);
      for (Execution e : runs) {
        ran.computeIfAbsent(e.taskId(), k -> new HashSet<>()).add("exec:" + e.worker() + "/" + e.attempt());
      }
      int retried = 0;
      for (int page = 0; page < tasks; page += 1000) {
        for (Task t : backend.list(new TaskQuery(TaskStatus.COMPLETED, 1000, page))) {
          assertThat(t.outputs()).hasSize(1);
          assertThat(t.outputUrl()).endsWith("/" + t.attempt());
          assertThat(ran.get(t.id().value())).as("the attempt that wrote the result ran").contains(t.outputUrl());
          retried += t.attempt() > 1 ? 1 : 0;
        }
      }
      assertThat(ran).hasSize(tasks);
      System.out.println("10,000 tasks in " + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms, " + kills
          + " workers killed: " + (runs.size() - tasks)
          + " duplicate executions (re-runs after a kill); " + retried + " tasks needed more than one attempt");
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
