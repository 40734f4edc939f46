package io.ffmpegqueue.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.WebhookAttempt;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.WebhookSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhook deliveries live in the database: a delivery waiting for its retry survives the process. */
class WebhooksOnPostgresIT {
  private static TestDatabase db;
  private static HikariDataSource pool;

  @TempDir
  Path dir;

  @BeforeAll
  static void startDatabase() {
    db = TestDatabase.start();
    pool = db.pool(10);
  }

  @AfterAll
  static void stopDatabase() throws Exception {
    db.close();
  }

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
      try (PostgresQueueBackend backend = PostgresQueueBackend.builder(pool).schema(schema).build();
           FfmpegQueue first = queue(backend)) {
        Task done = first.submit(request).completion().get(10, TimeUnit.SECONDS);
        id = done.id();
        assertThat(backend.find(id).orElseThrow().request().webhookUrl()).isEqualTo(hook);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.webhook(id)
            .filter(w -> w.attempts().size() == 1).isPresent());
        assertThat(first.webhook(id).orElseThrow().state()).isEqualTo(WebhookDelivery.State.PENDING);
      } // stopped while the retry waits

      try (PostgresQueueBackend backend = PostgresQueueBackend.builder(pool).schema(schema).build();
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
}
