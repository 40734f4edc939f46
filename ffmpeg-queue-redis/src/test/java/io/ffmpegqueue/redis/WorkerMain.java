package io.ffmpegqueue.redis;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.io.LocalStorage;
import io.ffmpegqueue.spi.TaskContext;
import io.ffmpegqueue.spi.TaskHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A worker process for the multi-process tests: a queue with workers on the Redis backend, whose handler records
 * each execution ({@code taskId|attempt|worker}) in the list {@code <prefix>:executions}. It runs until its
 * standard input closes (so it never outlives the test) or it is killed.
 *
 * <p>Arguments: url prefix workerId mode workers leaseMillis heartbeatMillis reapMillis [dir]. Modes:
 * {@code record} (no work besides the record), {@code slow} (20 ms of pretend work), {@code child} (runs a
 * child process under {@code setpriv --pdeathsig KILL}: for a task with metadata {@code long=true} on its first
 * attempt a 5-minute one whose pid goes into {@code <prefix>:children}, else a short one), {@code ffmpeg} (the
 * real pipeline and ffmpeg, outputs and workspaces under {@code dir}; executions recorded on STARTED).
 */
public final class WorkerMain {
  private WorkerMain() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String prefix = args[1];
    String workerId = args[2];
    String mode = args[3];
    int workers = Integer.parseInt(args[4]);
    Duration lease = Duration.ofMillis(Long.parseLong(args[5]));
    Duration heartbeat = Duration.ofMillis(Long.parseLong(args[6]));
    Duration reap = Duration.ofMillis(Long.parseLong(args[7]));

    RedisClient client = RedisClient.create(url);
    StatefulRedisConnection<String, String> conn = client.connect();
    RedisCommands<String, String> log = conn.sync();
    RedisQueueBackend backend = RedisQueueBackend.builder(url).prefix(prefix).capacity(1_000_000).build();
    TaskHandler handler = ctx -> {
      log.rpush(prefix + ":executions", ctx.task().id().value() + "|" + ctx.task().attempt() + "|" + workerId);
      switch (mode) {
        case "slow" -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // pretend work
        case "child" -> runChild(log, prefix, ctx);
        default -> { }
      }
      return List.of(new TaskOutput("output.mp4", URI.create("exec:" + workerId + "/" + ctx.task().attempt()),
          0, "video/mp4", null, null, null));
    };
    FfmpegQueue.Builder builder = FfmpegQueue.builder();
    if (mode.equals("ffmpeg")) {
      Path dir = Path.of(args[8]);
      builder.storage(LocalStorage.at(dir.resolve("outputs")))
          .workspaceRoot(dir.resolve("work-" + workerId))
          .minFreeSpace(0)
          .listener(TaskEvent.Type.STARTED, e -> {
            if (!e.remote()) { // other processes' starts are heard here too
              log.rpush(prefix + ":executions", e.task().id().value() + "|" + e.task().attempt() + "|" + workerId);
            }
          });
    } else {
      builder.handler(handler);
    }
    FfmpegQueue queue = builder
        .backend(backend)
        .workers(workers)
        .workerId(workerId)
        .leaseDuration(lease)
        .heartbeatInterval(heartbeat)
        .reapInterval(reap)
        .pollWait(Duration.ofSeconds(1))
        .drainTimeout(Duration.ZERO)
        .stopTimeout(Duration.ofSeconds(2))
        .build();
    System.out.println("READY " + workerId);
    System.out.flush();
    try (InputStream in = System.in) {
      while (in.read() >= 0) {
        // runs until the test closes our standard input
      }
    } catch (IOException ignored) {
      // the test went away
    }
    queue.close();
    backend.close();
    conn.close();
    client.shutdown();
  }

  private static void runChild(RedisCommands<String, String> log, String prefix, TaskContext ctx) throws Exception {
    boolean longRun = "true".equals(ctx.task().request().metadata().get("long")) && ctx.task().attempt() == 1;
    // pdeathsig: the kernel kills the child when this process dies, even by SIGKILL.
    Process p = new ProcessBuilder("setpriv", "--pdeathsig", "KILL", "--", "sleep", longRun ? "300" : "0.05")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    Subscription stop = ctx.onStop(p::destroyForcibly);
    try {
      if (longRun) {
        log.hset(prefix + ":children", ctx.task().id().value(), String.valueOf(p.pid()));
      }
      int exit = p.waitFor();
      if (exit != 0 && ctx.stopReason() == null) {
        throw new TaskFailureException(ErrorKind.KILLED, "the child exited with " + exit, true);
      }
    } finally {
      stop.close();
    }
  }
}
