package io.ffmpegqueue.examples.server;

import static io.ffmpegqueue.examples.server.BadRequestsIT.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.examples.support.Http;
import io.ffmpegqueue.examples.support.TestService;
import io.ffmpegqueue.testing.FakeFfmpegRunner;
import io.ffmpegqueue.testing.FakeOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} over real HTTP: Prometheus text after runs with a fake ffmpeg, behind the API token. */
class MetricsIT {
  @TempDir
  Path dir;

  @Test
  void metrics_are_served_in_prometheus_text_behind_the_token_after_a_run() {
    String token = "metrics-t0ken-0123456789abcdef";
    FakeFfmpegRunner ffmpeg = new FakeFfmpegRunner().defaultOutcome(FakeOutcome.succeed(new byte[1000]));
    try (FfmpegService s = TestService.startWithFakeFfmpeg(dir, Map.of("NUM_WORKERS", "1", "API_TOKEN", token),
        ffmpeg)) {
      Http http = new Http(s.port(), token);
      for (int i = 0; i < 2; i++) {
        assertThat(http.post("/ffmpeg/register", TestService.taskJson(dir, "out" + i + ".mp4")).status())
            .isEqualTo(200);
      }
      await().atMost(Duration.ofSeconds(10))
          .until(() -> s.queue().counts().get(TaskStatus.COMPLETED) == 2);

      assertError(new Http(s.port(), null).get("/metrics"), 401, "unauthorized");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        Http.Response r = http.get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain");
        assertThat(r.body())
            .contains("ffq_tasks_submitted_total 2.0")
            .contains("ffq_tasks_completed_total 2.0")
            .contains("ffq_bytes_stored_bytes_total 2000.0")
            .contains("ffq_queue_depth{status=\"completed\"} 2.0")
            .contains("ffq_queue_depth{status=\"pending\"} 0.0")
            .contains("ffq_workers_active 0.0")
            .contains("ffq_task_duration_seconds_count{status=\"completed\"} 2")
            .contains("ffq_task_queue_wait_seconds{quantile=\"0.99\"}")
            .contains("ffq_lease_renewals_total");
      });
    }
  }
}
