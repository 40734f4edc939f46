package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.ffmpegqueue.memory.InMemoryQueueBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhooks to a real receiver on loopback: signed, retried after 500s, de-duplicable, recorded on the task. */
class WebhookDeliveryIT {
  private static final String SECRET = "whsec-test-0123456789";

  record Received(String delivery, String timestamp, String signature, byte[] body, boolean genuine) {}

  @TempDir
  Path dir;
  HttpServer receiver;
  final List<Received> received = new CopyOnWriteArrayList<>();
  final AtomicInteger failuresLeft = new AtomicInteger();

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/hook", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      String ts = ex.getRequestHeaders().getFirst("X-FFQ-Timestamp");
      String sig = ex.getRequestHeaders().getFirst("X-FFQ-Signature");
      boolean genuine;
      try {
        genuine = WebhookSignatures.verify(SECRET, ts, sig, body, Instant.now());
      } catch (Exception e) {
        genuine = false;
      }
      received.add(new Received(ex.getRequestHeaders().getFirst("X-FFQ-Delivery"), ts, sig, body, genuine));
      int status = failuresLeft.getAndDecrement() > 0 ? 500 : 204;
      ex.sendResponseHeaders(status, -1);
      ex.close();
    });
    receiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.stop(0);
  }

  private URI hook() {
    return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
  }

  private FfmpegQueue queue(WebhookSettings settings) {
    return FfmpegQueue.builder().backend(InMemoryQueueBackend.create()).workspaceRoot(dir).workers(1)
        .pollWait(Duration.ofMillis(100)).handler(ctx -> List.of()).webhooks(settings).build();
  }

  private static TaskRequest request(URI webhook) {
    return TaskRequest.builder().command("-i in.mp4 out.mp4").input("in.mp4", "https://media.example.com/in.mp4")
        .output("out.mp4").webhookUrl(webhook).build();
  }

  @Test
  void a_completed_task_is_posted_signed_and_retried_after_500s_with_one_delivery_id() throws Exception {
    failuresLeft.set(2);
    WebhookSettings settings = WebhookSettings.builder().secret(SECRET).allowHost("127.0.0.1")
        .backoff(List.of(Duration.ZERO, Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(100)))
        .pollInterval(Duration.ofMillis(50)).build();
    try (FfmpegQueue queue = queue(settings)) {
      Task done = queue.submit(request(hook())).completion().get();
      await().atMost(Duration.ofSeconds(10)).until(() -> queue.webhook(done.id())
          .filter(w -> w.state() == WebhookDelivery.State.DELIVERED).isPresent());

      assertThat(received).hasSize(3);
      assertThat(received).allSatisfy(r -> {
        assertThat(r.genuine()).as("signature checks out").isTrue();
        assertThat(r.delivery()).isEqualTo(WebhookDelivery.deliveryIdOf(done.id()));
      });
      Task posted = TaskJson.read(new String(received.get(2).body(), java.nio.charset.StandardCharsets.UTF_8));
      assertThat(posted.id()).isEqualTo(done.id());
      assertThat(posted.status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(posted.request().webhookUrl()).isEqualTo(hook());

      WebhookDelivery w = queue.webhook(done.id()).orElseThrow();
      assertThat(w.attempts()).extracting(WebhookAttempt::statusCode).containsExactly(500, 500, 204);
      assertThat(w.nextAttemptAt()).isNull();
      var json = TaskJson.toJson(done, w);
      assertThat(json.path("webhook").path("state").asText()).isEqualTo("delivered");
      assertThat(json.path("webhook").path("attempts")).hasSize(3);
      assertThat(json.path("webhook").path("attempts").get(0).path("status_code").asInt()).isEqualTo(500);
    }
  }

  @Test
  void a_delivery_stored_with_the_tasks_end_where_webhooks_are_off_is_sent_by_a_queue_that_has_them()
      throws Exception {
    InMemoryQueueBackend backend = InMemoryQueueBackend.create();
    Task done;
    try (FfmpegQueue worker = FfmpegQueue.builder().backend(backend).workspaceRoot(dir).workers(1)
        .pollWait(Duration.ofMillis(100)).handler(ctx -> List.of()).build()) {
      done = worker.submit(request(hook())).completion().get();
    }
    assertThat(backend.findWebhook(done.id())).get().extracting(WebhookDelivery::state)
        .isEqualTo(WebhookDelivery.State.PENDING);
    WebhookSettings settings = WebhookSettings.builder().secret(SECRET).allowHost("127.0.0.1")
        .pollInterval(Duration.ofMillis(50)).build();
    try (FfmpegQueue sender = FfmpegQueue.builder().backend(backend).workspaceRoot(dir).workers(0)
        .webhooks(settings).build()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> sender.webhook(done.id())
          .filter(w -> w.state() == WebhookDelivery.State.DELIVERED).isPresent());
    }
    assertThat(received).singleElement().satisfies(r -> {
      assertThat(r.genuine()).isTrue();
      assertThat(r.delivery()).isEqualTo(WebhookDelivery.deliveryIdOf(done.id()));
    });
  }

  @Test
  void a_tampered_body_or_another_secret_fails_verification() throws Exception {
    String ts = "1700000000";
    String body = "{\"task_id\":\"x\"}";
    String sig = "sha256=" + io.ffmpegqueue.internal.webhook.WebhookNotifier.sign(SECRET, ts, body);
    Instant then = Instant.ofEpochSecond(1700000000L);
    assertThat(WebhookSignatures.verify(SECRET, ts, sig, body.getBytes(), then)).isTrue();
    assertThat(WebhookSignatures.verify(SECRET, ts, sig, "{\"task_id\":\"y\"}".getBytes(), then)).isFalse();
    assertThat(WebhookSignatures.verify("other", ts, sig, body.getBytes(), then)).isFalse();
    assertThat(WebhookSignatures.verify(SECRET, ts, sig, body.getBytes(), then.plusSeconds(3600))).isFalse();
  }

  @Test
  void a_webhook_to_loopback_is_refused_unless_allowed_and_the_refusal_is_recorded() throws Exception {
    WebhookSettings settings = WebhookSettings.builder().secret(SECRET).pollInterval(Duration.ofMillis(50)).build();
    try (FfmpegQueue queue = queue(settings)) {
      Task done = queue.submit(request(hook())).completion().get();
      await().atMost(Duration.ofSeconds(10)).until(() -> queue.webhook(done.id())
          .filter(w -> w.state() == WebhookDelivery.State.FAILED).isPresent());
      WebhookDelivery w = queue.webhook(done.id()).orElseThrow();
      assertThat(w.attempts()).hasSize(1);
      assertThat(w.attempts().get(0).statusCode()).isNull();
      assertThat(w.attempts().get(0).error()).startsWith("refused");
      assertThat(received).isEmpty();
    }
  }

  @Test
  void a_webhook_url_must_be_absolute_http_or_https() {
    assertThatThrownBy(() -> request(URI.create("ftp://example.com/x")))
        .isInstanceOf(InvalidTaskException.class).hasMessageContaining("webhook_url");
    assertThatThrownBy(() -> request(URI.create("/relative")))
        .isInstanceOf(InvalidTaskException.class).hasMessageContaining("webhook_url");
    assertThatThrownBy(() -> request(URI.create("https://user:pw@example.com/x")))
        .isInstanceOf(InvalidTaskException.class).hasMessageContaining("webhook_url");
  }
}
