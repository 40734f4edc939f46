package io.ffmpegqueue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.FfmpegQueueException;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.WebhookAttempt;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.spi.BackendListener;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.DueWebhook;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the Redis backend does beyond the shared contract, on a real server (no AOF: the default config). */
class RedisQueueBackendIT {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final URI HOOK = URI.create("https://hooks.example.com/ffq");

  @RegisterExtension
  static final TestRedis.PerClass REDIS = new TestRedis.PerClass("--appendonly", "no");

  private final List<AutoCloseable> made = new ArrayList<>();
  private final ExecutorService executor = Executors.newCachedThreadPool();

  @AfterEach
  void close() throws Exception {
    executor.shutdownNow();
    for (AutoCloseable c : made) {
      c.close();
    }
  }

  private RedisQueueBackend backend(String prefix) {
    RedisQueueBackend b = RedisQueueBackend.builder(REDIS.server().url()).prefix(prefix)
        .pollInterval(Duration.ofHours(1)).build();
    made.add(b);
    return b;
  }

  private static Task task() {
    return Task.pending(TaskId.random(), TaskRequest.builder().command("-i input.mp4 output.mp4")
        .input("input.mp4", URI.create("https://example.com/a.mp4")).output("output.mp4").build(), Instant.now());
  }

  private static Task webhookTask() {
    Task t = task();
    return Task.pending(t.id(), t.request().toBuilder().webhookUrl(HOOK).build(), t.createdAt());
  }

  @Test
  void the_documented_wiring_runs_a_task() throws Exception {
    String redisUrl = REDIS.server().url();
    // sample:wiring
    RedisQueueBackend backend = RedisQueueBackend.builder(redisUrl) // redis://[user:pass@]host:port/db, rediss://
        .prefix("ffq") // every key is {ffq}:..., one hash tag: one cluster slot; a prefix per queue
        .build(); // connects and subscribes; close it after the queue
    FfmpegQueue.Builder workers = FfmpegQueue.builder().backend(backend).workers(4);
    // end-sample
    try (backend; FfmpegQueue queue = workers.handler(ctx -> List.of()).build()) {
      TaskId id = queue.submit(task().request()).id();
      await().atMost(Duration.ofSeconds(30)).until(() -> queue.find(id).orElseThrow().status().isFinal());
      assertThat(queue.find(id).orElseThrow().status()).isEqualTo(TaskStatus.COMPLETED);
    }
  }

  @Test
  void a_claim_waiting_in_one_process_wakes_on_an_enqueue_in_another_without_polling() throws Exception {
    String prefix = TestRedis.freshPrefix();
    RedisQueueBackend worker = backend(prefix); // polls once an hour: only the notice can wake it
    RedisQueueBackend api = backend(prefix);
    Future<List<Lease>> claim = executor.submit(() -> worker.claim(new ClaimRequest("w", 1, LEASE, Duration.ofMinutes(5))));
    Task t = task();
    api.enqueue(t);
    List<Lease> got = claim.get(30, TimeUnit.SECONDS);
    assertThat(got).singleElement().satisfies(l -> assertThat(l.taskId()).isEqualTo(t.id()));
  }

  @Test
  void a_cancel_and_the_events_of_one_process_reach_the_listeners_of_another() throws Exception {
    String prefix = TestRedis.freshPrefix();
    RedisQueueBackend worker = backend(prefix);
    RedisQueueBackend api = backend(prefix);
    List<String> heardByWorker = new CopyOnWriteArrayList<>();
    List<String> heardByApi = new CopyOnWriteArrayList<>();
    made.add(worker.addListener(recorder(heardByWorker)));
    made.add(api.addListener(recorder(heardByApi)));
    Task t = task();
    api.enqueue(t);
    Lease l = worker.claim(new ClaimRequest("w", 1, LEASE, Duration.ofSeconds(10))).get(0);
    api.cancel(t.id());
    await().atMost(Duration.ofSeconds(10)).until(() -> heardByWorker.contains("cancel " + t.id()));
    worker.finish(l, new Outcome.Cancelled("cancelled while running"));
    await().atMost(Duration.ofSeconds(10)).until(() -> heardByApi.contains("CANCELLED " + t.id()));
    assertThat(heardByApi).containsSubsequence("STARTED " + t.id(), "CANCELLED " + t.id());
    assertThat(heardByWorker).as("a process does not hear its own changes").doesNotContain("STARTED " + t.id())
        .contains("SUBMITTED " + t.id());
    assertThat(api.find(t.id()).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
  }

  private static BackendListener recorder(List<String> heard) {
    return new BackendListener() {
      @Override
      public void onCancelRequested(TaskId id) {
        heard.add("cancel " + id);
      }

      @Override
      public void onRemoteEvent(TaskEvent.Type type, TaskId id) {
        heard.add(type + " " + id);
      }
    };
  }

  @Test
  void a_webhook_delivery_held_by_one_process_comes_due_for_another_after_the_hold_and_keeps_its_attempts() throws Exception {
    String prefix = TestRedis.freshPrefix();
    RedisQueueBackend worker = backend(prefix);
    RedisQueueBackend api = backend(prefix);
    Task t = webhookTask();
    api.enqueue(t);
    worker.finish(worker.claim(new ClaimRequest("w", 1, LEASE, Duration.ZERO)).get(0), new Outcome.Completed(List.of()));

    assertThat(api.claimDueWebhooks(Instant.now(), Duration.ofSeconds(3), 10)).singleElement()
        .satisfies(d -> assertThat(d.taskId()).isEqualTo(t.id()));
    assertThat(worker.claimDueWebhooks(Instant.now(), Duration.ofMinutes(1), 10)).as("held by the api").isEmpty();
    // The api dies holding it: the worker gets it once the hold has passed on the server's clock.
    List<DueWebhook> again = new ArrayList<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> again.addAll(
        worker.claimDueWebhooks(Instant.now(), Duration.ofMinutes(1), 10)));
    WebhookDelivery d = again.get(0).delivery();
    assertThat(d.deliveryId()).isEqualTo(WebhookDelivery.deliveryIdOf(t.id()));

    WebhookAttempt failed = new WebhookAttempt(Instant.now(), 503, "HTTP 503");
    worker.updateWebhook(t.id(), d.after(failed, WebhookDelivery.State.PENDING, Instant.now().plusSeconds(60)));
    WebhookDelivery stored = api.findWebhook(t.id()).orElseThrow();
    assertThat(stored.attempts()).containsExactly(failed);
    assertThat(stored.url()).isEqualTo(HOOK);
    assertThat(api.claimDueWebhooks(Instant.now(), Duration.ofMinutes(1), 10)).as("the retry is a minute away").isEmpty();
    assertThat(api.claimDueWebhooks(Instant.now().plusSeconds(61), Duration.ofMinutes(1), 10))
        .as("a caller's now carries over to the server's clock").hasSize(1);

    WebhookAttempt ok = new WebhookAttempt(Instant.now(), 200, null);
    api.updateWebhook(t.id(), stored.after(ok, WebhookDelivery.State.DELIVERED, null));
    assertThat(worker.findWebhook(t.id()).orElseThrow()).satisfies(w -> {
      assertThat(w.state()).isEqualTo(WebhookDelivery.State.DELIVERED);
      assertThat(w.attempts()).containsExactly(failed, ok);
      assertThat(w.nextAttemptAt()).isNull();
    });
    assertThat(api.claimDueWebhooks(Instant.now().plus(Duration.ofDays(1)), Duration.ofMinutes(1), 10)).isEmpty();
  }

  @Test
  void every_key_of_a_queue_shares_its_hash_tag_and_two_prefixes_do_not_see_each_other() throws Exception {
    String a = TestRedis.freshPrefix();
    String b = TestRedis.freshPrefix();
    RedisQueueBackend qa = backend(a);
    RedisQueueBackend qb = backend(b);
    qa.enqueue(webhookTask()); // the one that ends: its webhook delivery's keys are the queue's too
    qa.enqueue(task());
    Lease l = qa.claim(new ClaimRequest("w", 1, LEASE, Duration.ZERO)).get(0);
    qa.finish(l, new Outcome.Completed(List.of()));
    qb.enqueue(task());
    assertThat(qa.counts().get(TaskStatus.PENDING)).isEqualTo(1);
    assertThat(qb.counts().get(TaskStatus.PENDING)).isEqualTo(1);
    RedisClient client = RedisClient.create(REDIS.server().url());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      List<String> keys = c.sync().keys("*" + a + "*");
      assertThat(keys).isNotEmpty().allSatisfy(k -> assertThat(k).startsWith("{" + a + "}:"));
      // A task's hash and the few sets: the ready structure does not grow with the finished history.
      assertThat(keys).hasSizeLessThan(20);
    } finally {
      client.shutdown();
    }
  }

  @Test
  void without_an_aof_the_durability_warns_and_with_one_it_does_not() {
    RedisQueueBackend noAof = backend(TestRedis.freshPrefix());
    assertThat(noAof.durability().aofEnabled()).isFalse();
    assertThat(noAof.durability().warning()).hasValueSatisfying(w -> assertThat(w).contains("no AOF"));
    try (TestRedis aof = TestRedis.start("--appendonly", "yes", "--appendfsync", "everysec");
         RedisQueueBackend b = RedisQueueBackend.builder(aof.url()).build()) {
      assertThat(b.durability().aofEnabled()).isTrue();
      assertThat(b.durability().warning()).isEmpty();
      assertThat(b.durability().summary()).isEqualTo("aof on, appendfsync everysec");
    }
  }

  @Test
  void a_bad_url_or_prefix_is_refused_naming_what_is_wrong_without_the_password() {
    assertThatThrownBy(() -> RedisQueueBackend.builder("http://user:secret@localhost:6379").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis://")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> RedisQueueBackend.builder(REDIS.server().url()).prefix("a}b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
    assertThatThrownBy(() -> RedisQueueBackend.builder("redis://user:secret@127.0.0.1:1").build())
        .isInstanceOf(FfmpegQueueException.class).hasMessageContaining("cannot connect")
        .hasMessageNotContaining("secret");
  }
}
