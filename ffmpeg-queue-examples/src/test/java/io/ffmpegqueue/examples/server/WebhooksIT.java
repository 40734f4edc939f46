package io.ffmpegqueue.examples.server;

import static io.ffmpegqueue.examples.server.BadRequestsIT.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.ffmpegqueue.examples.support.Http;
import io.ffmpegqueue.examples.support.TestService;
import io.ffmpegqueue.testing.FakeFfmpegRunner;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service's webhooks: webhook_url in the register body or WEBHOOK_URL, attempts in the status JSON. */
class WebhooksIT {
  @TempDir
  Path dir;

  @Test
  void the_default_webhook_url_gets_the_final_task_and_status_shows_the_attempt() throws Exception {
    List<String> signatures = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/hook", ex -> {
      ex.getRequestBody().readAllBytes();
      signatures.add(ex.getRequestHeaders().getFirst("X-FFQ-Signature"));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    receiver.start();
    String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    try (FfmpegService s = TestService.startWithFakeFfmpeg(dir, Map.of("NUM_WORKERS", "1", "WEBHOOK_URL", hook,
        "WEBHOOK_SECRET", "whsec-0123456789", "WEBHOOK_ALLOWED_HOSTS", "127.0.0.1"), new FakeFfmpegRunner())) {
      Http http = new Http(s.port(), null);
      String id = http.post("/ffmpeg/register", TestService.taskJson(dir, "out.mp4")).json().path("task_id").asText();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        JsonNode t = http.get("/ffmpeg/status/" + id).json();
        assertThat(t.path("webhook_url").asText()).isEqualTo(hook);
        assertThat(t.path("webhook").path("state").asText()).isEqualTo("delivered");
        assertThat(t.path("webhook").path("attempts").get(0).path("status_code").asInt()).isEqualTo(200);
      });
      assertThat(signatures).singleElement().asString().startsWith("sha256=");

      String body = TestService.taskJson(dir, "x.mp4");
      body = body.substring(0, body.length() - 1) + ", \"webhook_url\": \"ftp://example.com/x\"}";
      assertError(http.post("/ffmpeg/register", body), 400, "invalid_request");
    } finally {
      receiver.stop(0);
    }
  }
}
