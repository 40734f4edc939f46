package io.ffmpegqueue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spi.BackendListener;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Task graphs on Redis beyond the shared contract: their keys, and their events across processes. */
class RedisTaskGraphIT {
  private static final Duration LEASE = Duration.ofSeconds(30);

  @RegisterExtension
  static final TestRedis.PerClass REDIS = new TestRedis.PerClass("--appendonly", "no");

  private final List<AutoCloseable> made = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : made) {
      c.close();
    }
  }

  private RedisQueueBackend backend(String prefix, int retentionCount) {
    RedisQueueBackend b = RedisQueueBackend.builder(REDIS.server().url()).prefix(prefix)
        .retentionCount(retentionCount).build();
    made.add(b);
    return b;
  }

  private static Task task(TaskId... parents) {
    return Task.pending(TaskId.random(), TaskRequest.builder().command("-i input.mp4 output.mp4")
        .input("input.mp4", URI.create("https://example.com/a.mp4")).output("output.mp4").after(parents).build(),
        Instant.now());
  }

  private static TaskId enqueue(RedisQueueBackend b, Task t) {
    assertThat(b.enqueue(t).created()).isTrue();
    return t.id();
  }

  private static void completeAll(RedisQueueBackend b) throws InterruptedException {
    List<Lease> leases;
    while (!(leases = b.claim(new ClaimRequest("w", 10, LEASE, Duration.ZERO))).isEmpty()) {
      for (Lease l : leases) {
        b.finish(l, new Outcome.Completed(List.of()));
      }
    }
  }

  private static List<String> keys(String prefix) {
    RedisClient client = RedisClient.create(REDIS.server().url());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return c.sync().keys("*" + prefix + "*");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void a_graphs_keys_share_the_queues_hash_tag_and_go_with_its_tasks_when_pruned() throws Exception {
    String prefix = TestRedis.freshPrefix();
    RedisQueueBackend b = backend(prefix, 0);
    TaskId a = enqueue(b, task());
    TaskId left = enqueue(b, task(a));
    TaskId right = enqueue(b, task(a));
    TaskId d = enqueue(b, task(left, right));
    assertThat(keys(prefix)).allSatisfy(k -> assertThat(k).startsWith("{" + prefix + "}:"))
        .contains("{" + prefix + "}:ch:" + a, "{" + prefix + "}:wf:" + d, "{" + prefix + "}:ps:" + d);

    completeAll(b);
    assertThat(b.find(d).orElseThrow().status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(b.prune()).isEqualTo(4);
    assertThat(keys(prefix)).allSatisfy(k -> assertThat(k).startsWith("{" + prefix + "}:"))
        .noneMatch(k -> k.contains("}:t:") || k.contains("}:ch:") || k.contains("}:wf:") || k.contains("}:ps:"));
  }

  @Test
  void a_child_readied_and_one_cancelled_by_the_cascade_are_heard_in_every_process() throws Exception {
    String prefix = TestRedis.freshPrefix();
    RedisQueueBackend worker = backend(prefix, 100);
    RedisQueueBackend api = backend(prefix, 100);
    List<String> heardByApi = new CopyOnWriteArrayList<>();
    made.add(api.addListener(new BackendListener() {
      @Override
      public void onRemoteEvent(TaskEvent.Type type, TaskId id) {
        heardByApi.add(type + " " + id);
      }
    }));
    TaskId ok = enqueue(api, task());
    TaskId bad = enqueue(api, task());
    TaskId readied = enqueue(api, task(ok));
    TaskId cancelled = enqueue(api, task(bad));
    TaskId below = enqueue(api, task(cancelled));
    assertThat(api.pendingCount()).isEqualTo(2);

    for (Lease l : worker.claim(new ClaimRequest("w", 10, LEASE, Duration.ZERO))) {
      worker.finish(l, l.taskId().equals(ok) ? new Outcome.Completed(List.of())
          : new Outcome.Failed(TaskError.of(ErrorKind.FFMPEG, "ffmpeg exited with 1"), null));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> heardByApi.containsAll(
        List.of("READY " + readied, "CANCELLED " + cancelled, "CANCELLED " + below)));
    assertThat(api.find(below).orElseThrow().error().message())
        .isEqualTo("task " + cancelled + " was cancelled: task " + bad + " failed: ffmpeg exited with 1");
    assertThat(api.pendingCount()).isEqualTo(1);
  }
}
