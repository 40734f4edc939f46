package io.ffmpegqueue.bench.redis;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.bench.postgres.Latencies;
import io.ffmpegqueue.bench.postgres.QueueUnderTest;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.redis.RedisQueueBackend;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** ffmpeg-queue on the Redis backend, with a no-op handler, submitting through the queue's own API. */
final class RedisQueueUnderTest implements QueueUnderTest {
  private final RedisQueueBackend backend;
  private final FfmpegQueue submitter;
  private final FfmpegQueue.Builder workerQueue;
  private final Path inputs;
  private FfmpegQueue workers;

  RedisQueueUnderTest(String url, String prefix, int workers, Latencies latencies, Path inputs) {
    this.inputs = inputs;
    this.backend = RedisQueueBackend.builder(url).prefix(prefix).capacity(10_000_000).retentionCount(10_000_000)
        .build();
    // As on PostgreSQL: submissions through a queue without workers, as an API process's would.
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
  public long remaining() {
    Map<TaskStatus, Long> c = backend.counts();
    return c.get(TaskStatus.PENDING) + c.get(TaskStatus.RUNNING);
  }

  @Override
  public void close() {
    if (workers != null) {
      workers.close();
    }
    submitter.close();
    backend.close();
  }
}
