package io.ffmpegqueue.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.io.LocalStorage;
import io.ffmpegqueue.spi.TaskContext;
import io.ffmpegqueue.spi.TaskHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A worker process for the multi-process tests: a queue with workers on the PostgreSQL backend, whose
 * handler records each execution in {@code <schema>.executions}. It runs until its standard input closes
 * (so it never outlives the test) or it is killed.
 *
 * <p>Arguments: jdbcUrl schema workerId mode workers leaseMillis heartbeatMillis reapMillis [dir]. Modes:
 * {@code record} (no work besides the record), {@code slow} (20 ms of pretend work), {@code child} (runs a
 * child process under {@code setpriv --pdeathsig KILL}: for a task with metadata {@code long=true} on its first
 * attempt a 5-minute one whose pid goes into {@code <schema>.children}, else a short one), {@code ffmpeg} (the
 * real pipeline and ffmpeg, outputs and workspaces under {@code dir}; executions recorded on STARTED).
 */
public final class WorkerMain {
  private WorkerMain() {}

  public static void main(String[] args) throws Exception {
    String jdbcUrl = args[0];
    String schema = args[1];
    String workerId = args[2];
    String mode = args[3];
    int workers = Integer.parseInt(args[4]);
    Duration lease = Duration.ofMillis(Long.parseLong(args[5]));
    Duration heartbeat = Duration.ofMillis(Long.parseLong(args[6]));
    Duration reap = Duration.ofMillis(Long.parseLong(args[7]));

    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(workers + 4);
    config.setMinimumIdle(2);
    config.setConnectionTimeout(15_000); // a loaded CI machine starts JVMs and connections slowly
    config.setInitializationFailTimeout(-1);
    config.setPoolName(workerId);
    HikariDataSource ds = new HikariDataSource(config);
    PostgresQueueBackend backend = PostgresQueueBackend.builder(ds).schema(schema).capacity(1_000_000).build();
    TaskHandler handler = ctx -> {
      record(ds, schema, ctx.task().id().value(), ctx.task().attempt(), workerId);
      switch (mode) {
        case "slow" -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // pretend work
        case "child" -> runChild(ds, schema, ctx);
        default -> { }
      }
      return List.of(new TaskOutput("output.mp4", URI.create("exec:" + workerId + "/" + ctx.task().attempt()),
          0, "video/mp4", null, null, null));
    };
    FfmpegQueue.Builder builder = FfmpegQueue.builder();
    if (mode.equals("ffmpeg")) {
      // The real pipeline: the located (here the bundled) ffmpeg, in its sandbox.
      Path dir = Path.of(args[8]);
      builder.storage(LocalStorage.at(dir.resolve("outputs")))
          .fetcher(FileInputFetcher.allowing(dir.resolve("media"))) // inputs the test made (split tasks)
          .workspaceRoot(dir.resolve("work-" + workerId))
          .minFreeSpace(0)
          .listener(TaskEvent.Type.STARTED, e -> {
            try {
              record(ds, schema, e.task().id().value(), e.task().attempt(), workerId);
            } catch (SQLException ex) {
              throw new IllegalStateException(ex);
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
    ds.close();
  }

  private static void record(HikariDataSource ds, String schema, String taskId, int attempt, String workerId)
      throws SQLException {
    try (Connection c = ds.getConnection();
         PreparedStatement ps = c.prepareStatement(
             "INSERT INTO " + schema + ".executions (task_id, attempt, worker) VALUES (?, ?, ?)")) {
      ps.setString(1, taskId);
      ps.setInt(2, attempt);
      ps.setString(3, workerId);
      ps.executeUpdate();
    }
  }

  private static void runChild(HikariDataSource ds, String schema, TaskContext ctx) throws Exception {
    boolean longRun = "true".equals(ctx.task().request().metadata().get("long")) && ctx.task().attempt() == 1;
    // pdeathsig: the kernel kills the child when this process dies, even by SIGKILL.
    Process p = new ProcessBuilder("setpriv", "--pdeathsig", "KILL", "--", "sleep", longRun ? "300" : "0.05")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    Subscription stop = ctx.onStop(p::destroyForcibly);
    try {
      if (longRun) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(
                 "INSERT INTO " + schema + ".children (task_id, attempt, pid) VALUES (?, ?, ?)")) {
          ps.setString(1, ctx.task().id().value());
          ps.setInt(2, ctx.task().attempt());
          ps.setLong(3, p.pid());
          ps.executeUpdate();
        }
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
