package io.ffmpegqueue.bench.postgres;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.postgres.PostgresQueueBackend;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** ffmpeg-queue on the PostgreSQL backend, with a no-op handler, submitting through the queue's own API. */
public final class FfmpegQueueUnderTest implements QueueUnderTest {
  private final DataSource dataSource;
  private final String schema;
  private final PostgresQueueBackend backend;
  private final FfmpegQueue submitter;
  private final FfmpegQueue.Builder workerQueue;
  private FfmpegQueue workers;
  private final Path inputs;

  public FfmpegQueueUnderTest(DataSource dataSource, String schema, int workers, Latencies latencies, Path inputs) {
    this.dataSource = dataSource;
    this.schema = schema;
    this.inputs = inputs;
    this.backend = PostgresQueueBackend.builder(dataSource).schema(schema)
        .capacity(10_000_000).retentionCount(10_000_000)
        .vacuumEvery(Integer.getInteger("bench.vacuumEvery", PostgresQueueBackend.DEFAULT_VACUUM_EVERY))
        .notifications(!Boolean.getBoolean("bench.noNotify")).build();
    // Submissions go through a queue without workers, as an API process's would; the workers' queue
    // shares the backend and starts on startWorkers().
    this.submitter = FfmpegQueue.builder().backend(backend).workers(0).fetcher(FileInputFetcher.allowing(inputs)).build();
    this.workerQueue = FfmpegQueue.builder()
        .backend(backend)
        .workers(workers)
        .handler(ctx -> {
          latencies.started(Long.parseLong(ctx.task().request().metadata().get("t0")));
          return List.of();
        });
  }

  @Override
  public void startWorkers() {
    workers = workerQueue.build();
  }

  @Override
  public void enqueue(int i, long enqueuedNanos) {
    submitter.submit(TaskRequest.builder()
        .command("-i input.mp4 -c:v libx264 output.mp4")
        .input("input.mp4", inputs.resolve("input.mp4").toUri())
        .output("output.mp4")
        .metadata(Map.of("t0", Long.toString(enqueuedNanos)))
        .build());
  }

  @Override
  public long remaining() throws SQLException {
    // Polled every 5 ms at the end of a run: counts() would group the whole table (finished rows too) each time.
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + ".ffq_tasks"
             + " WHERE status = 'PENDING' OR (status = 'RUNNING' AND lease_owner IS NOT NULL)")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void close() throws SQLException {
    if (workers != null) {
      workers.close();
    }
    submitter.close();
    backend.close();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }
}
