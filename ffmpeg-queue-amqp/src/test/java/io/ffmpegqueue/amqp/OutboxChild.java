package io.ffmpegqueue.amqp;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.postgres.PostgresQueueBackend;
import io.ffmpegqueue.redis.RedisQueueBackend;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.ffmpeg.Progress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The process {@link BrokerOutboxIT} kills: a queue on PostgreSQL or Redis with one worker and an AMQP bridge that
 * reaches the broker through a {@link PausingProxy} whose publishing connection is paused once the bridge has
 * started, so nothing it publishes (the task's events and Celery states) reaches the broker. Its task's handler
 * reports progress; the task ends in the database, then it prints {@code ENDED <id>} and waits to be killed. Its
 * bridge keeps messages as the test's second bridge looks for them (due after half a second) but never sweeps
 * the outbox itself, so none is held by it when it dies.
 *
 * <p>Arguments: {@code postgres jdbcUrl} or {@code redis redisUrl}, then brokerPort celeryQueue registerQueue.
 */
public final class OutboxChild {
  private OutboxChild() {}

  /** Runs until killed. */
  public static void main(String[] args) throws Exception {
    QueueBackend backend;
    if (args[0].equals("postgres")) {
      PGSimpleDataSource ds = new PGSimpleDataSource();
      ds.setUrl(args[1]);
      backend = PostgresQueueBackend.builder(ds).build();
    } else {
      backend = RedisQueueBackend.builder(args[1]).build();
    }
    PausingProxy proxy = new PausingProxy(Integer.parseInt(args[2]), 2);
    AmqpSettings settings = AmqpSettings.builder("amqp://guest:guest@127.0.0.1:" + proxy.port())
        .celeryQueue(args[3]).registerQueue(args[4]).build();
    List<TaskOutput> out = List.of(new TaskOutput("out.mp4", URI.create("memory://out.mp4"), 0, null, null, null, null));
    FfmpegQueue queue = FfmpegQueue.builder().backend(backend).workers(1).handler(ctx -> {
      ctx.reportProgress(new Progress(0.5, Duration.ofSeconds(1), 25.0, 1.0, Duration.ofSeconds(1)));
      return out;
    }).build();
    queue.subscribe(TaskEvent.Type.COMPLETED, e -> {
      System.out.println("ENDED " + e.taskId().value());
      System.out.flush();
    });
    AmqpBridge.start(queue, settings, null, new BrokerOutbox.Timings(Duration.ofMillis(500), Duration.ofMillis(500),
        Duration.ofSeconds(2), Duration.ofSeconds(20), Duration.ofHours(1)));
    proxy.pause();
    System.out.println("READY");
    System.out.flush();
    new CountDownLatch(1).await(); // until killed with SIGKILL by the test
  }
}
