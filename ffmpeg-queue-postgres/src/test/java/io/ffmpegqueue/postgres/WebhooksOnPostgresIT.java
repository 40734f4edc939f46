package io.ffmpegqueue.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.WebhookAttempt;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.WebhookSettings;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhook deliveries live in the database: one is stored with the task's end, so a process that dies right
 * after still has it sent, and one waiting for its retry survives the process.
 */
class WebhooksOnPostgresIT {
  @RegisterExtension
  static final TestDatabase.PerClass DB = new TestDatabase.PerClass(10);

  @TempDir
  Path dir;

  private FfmpegQueue queue(PostgresQueueBackend backend) {
    return FfmpegQueue.builder().backend(backend).workspaceRoot(dir).workers(1).pollWait(Duration.ofMillis(100))
        .handler(ctx -> List.of())
        .webhooks(WebhookSettings.builder().secret("s3cret").allowHost("127.0.0.1")
            .backoff(List.of(Duration.ZERO, Duration.ofMillis(1500))).pollInterval(Duration.ofMillis(100)).build())
        .build();
  }

  @Test
  void a_delivery_waiting_for_its_retry_is_made_by_the_next_process_on_the_same_database() throws Exception {
    List<String> deliveries = new CopyOnWriteArrayList<>();
    AtomicInteger failuresLeft = new AtomicInteger(1);
    HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/hook", ex -> {
      ex.getRequestBody().readAllBytes();
      deliveries.add(ex.getRequestHeaders().getFirst("X-FFQ-Delivery"));
      ex.sendResponseHeaders(failuresLeft.getAndDecrement() > 0 ? 500 : 200, -1);
      ex.close();
    });
    receiver.start();
    try {
      String schema = TestDatabase.newSchema();
      URI hook = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
      TaskRequest request = TaskRequest.builder().command("-i in.mp4 out.mp4")
          .input("in.mp4", "https://media.example.com/in.mp4").output("out.mp4").webhookUrl(hook).build();
      TaskId id;
      try (PostgresQueueBackend backend = PostgresQueueBackend.builder(DB.pool()).schema(schema).build();
           FfmpegQueue first = queue(backend)) {
        Task done = first.submit(request).completion().get(10, TimeUnit.SECONDS);
        id = done.id();
        assertThat(backend.find(id).orElseThrow().request().webhookUrl()).isEqualTo(hook);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.webhook(id)
            .filter(w -> w.attempts().size() == 1).isPresent());
        assertThat(first.webhook(id).orElseThrow().state()).isEqualTo(WebhookDelivery.State.PENDING);
      } // stopped while the retry waits

      try (PostgresQueueBackend backend = PostgresQueueBackend.builder(DB.pool()).schema(schema).build();
           FfmpegQueue second = queue(backend)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> second.webhook(id)
            .filter(w -> w.state() == WebhookDelivery.State.DELIVERED).isPresent());
        WebhookDelivery w = second.webhook(id).orElseThrow();
        assertThat(w.attempts()).extracting(WebhookAttempt::statusCode).containsExactly(500, 200);
        assertThat(deliveries).hasSize(2).containsOnly(WebhookDelivery.deliveryIdOf(id));
      }
    } finally {
      receiver.stop(0);
    }
  }

  record Received(String delivery, String timestamp, String signature, String body) {}

  @Test
  void a_task_that_ended_just_before_its_process_died_still_gets_its_signed_webhook() throws Exception {
    List<Received> received = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/hook", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      received.add(new Received(ex.getRequestHeaders().getFirst("X-FFQ-Delivery"),
          ex.getRequestHeaders().getFirst("X-FFQ-Timestamp"), ex.getRequestHeaders().getFirst("X-FFQ-Signature"), body));
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    receiver.start();
    try {
      String schema = TestDatabase.newSchema();
      URI hook = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
      Task task = Task.pending(TaskId.random(), TaskRequest.builder().command("-i in.mp4 out.mp4")
          .input("in.mp4", "https://media.example.com/in.mp4").output("out.mp4").webhookUrl(hook).build(), Instant.now());
      // A worker process finishes the task and dies at once: no queue, no webhook notifier ever ran there.
      try (PostgresQueueBackend worker = PostgresQueueBackend.builder(DB.pool()).schema(schema).build()) {
        worker.enqueue(task);
        Lease lease = worker.claim(new ClaimRequest("worker-1", 1, Duration.ofMinutes(1), Duration.ofSeconds(5))).get(0);
        assertThat(worker.finish(lease, new Outcome.Completed(List.of())).status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(worker.findWebhook(task.id())).get().extracting(WebhookDelivery::state)
            .isEqualTo(WebhookDelivery.State.PENDING);
      }
      assertThat(received).isEmpty();

      try (PostgresQueueBackend backend = PostgresQueueBackend.builder(DB.pool()).schema(schema).build();
           FfmpegQueue next = queue(backend)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> next.webhook(task.id())
            .filter(w -> w.state() == WebhookDelivery.State.DELIVERED).isPresent());
      }
      Received r = received.get(0);
      assertThat(received).hasSize(1);
      assertThat(r.delivery()).isEqualTo(WebhookDelivery.deliveryIdOf(task.id()));
      assertThat(r.signature()).isEqualTo("sha256=" + hmacSha256("s3cret", r.timestamp() + "." + r.body()));
      Task posted = TaskJson.read(r.body());
      assertThat(posted.id()).isEqualTo(task.id());
      assertThat(posted.status()).isEqualTo(TaskStatus.COMPLETED);
    } finally {
      receiver.stop(0);
    }
  }

  /** The signature a receiver expects: HMAC-SHA256 of "timestamp.body" under the shared secret, in hex. */
  private static String hmacSha256(String secret, String text) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
    return java.util.HexFormat.of().formatHex(mac.doFinal(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
