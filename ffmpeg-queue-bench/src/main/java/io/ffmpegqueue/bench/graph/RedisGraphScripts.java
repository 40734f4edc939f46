package io.ffmpegqueue.bench.graph;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.bench.redis.RedisServerProcess;
import io.ffmpegqueue.redis.RedisQueueBackend;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The three Redis scripts that handle a whole side of a fan-out/fan-in graph at once, each measured alone on an
 * otherwise idle server (calls straight to the backend, one thread): the join's enqueue (N parents), the root's
 * finish (readies N children) and the join's finish (lets go of N parents). The server runs nothing else while
 * one of them runs, so their time is how long other clients of the queue wait.
 */
final class RedisGraphScripts {
  private static final ClaimRequest ONE = new ClaimRequest("bench", 1, Duration.ofMinutes(5), Duration.ZERO);
  private static final ClaimRequest MANY = new ClaimRequest("bench", 500, Duration.ofMinutes(5), Duration.ZERO);

  private RedisGraphScripts() {}

  static void measure(RedisServerProcess redis, int children, int repeats) throws Exception {
    for (int r = 0; r < repeats; r++) {
      try (RedisQueueBackend b = RedisQueueBackend.builder(redis.url()).prefix("scripts" + r).capacity(10_000_000)
          .retentionCount(10_000_000).build()) {
        TaskId root = enqueue(b, List.of());
        List<TaskId> kids = new ArrayList<>(children);
        for (int i = 0; i < children; i++) {
          kids.add(enqueue(b, List.of(root)));
        }
        String joinEnqueue = timed(redis, () -> b.enqueue(Task.pending(TaskId.random(),
            TaskRequest.builder().after(kids).build(), Instant.now())));
        Lease rootLease = b.claim(ONE).get(0);
        String rootFinish = timed(redis, () -> b.finish(rootLease, new Outcome.Completed(List.of())));
        Lease joinLease = null;
        List<Lease> leases;
        while (!(leases = b.claim(MANY)).isEmpty()) {
          for (Lease l : leases) {
            if (l.task().request().isJoin()) {
              joinLease = l;
            } else {
              b.finish(l, new Outcome.Completed(List.of()));
            }
          }
        }
        Lease join = joinLease;
        String joinFinish = timed(redis, () -> b.finish(join, new Outcome.Completed(List.of())));
        System.out.printf(Locale.ROOT, "redis scripts alone, %,d edges each (server CPU, wall): the join's enqueue %s;"
            + " the root's finish (readies the children) %s; the join's finish (lets go of its parents) %s; load %s%n",
            children, joinEnqueue, rootFinish, joinFinish, java.nio.file.Files.readString(
                java.nio.file.Path.of("/proc/loadavg")).trim());
      } finally {
        redis.flush();
      }
    }
  }

  private static TaskId enqueue(RedisQueueBackend b, List<TaskId> parents) {
    Task t = Task.pending(TaskId.random(), TaskRequest.builder().command("-i in.mp4 out.mp4")
        .input("in.mp4", URI.create("https://example.com/in.mp4")).output("out.mp4").after(parents).build(),
        Instant.now());
    b.enqueue(t);
    return t.id();
  }

  /** The server's CPU (10 ms ticks) and the wall time of one call. */
  private static String timed(RedisServerProcess redis, Callable<?> call) throws Exception {
    double cpu0 = redis.cpuSeconds();
    long t0 = System.nanoTime();
    call.call();
    long t1 = System.nanoTime();
    double cpu1 = redis.cpuSeconds();
    return String.format(Locale.ROOT, "%.0f ms, %.1f ms", (cpu1 - cpu0) * 1e3, (t1 - t0) / 1e6);
  }
}
