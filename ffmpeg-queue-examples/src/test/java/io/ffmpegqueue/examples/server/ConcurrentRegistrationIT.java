package io.ffmpegqueue.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.examples.support.Http;
import io.ffmpegqueue.examples.support.TestService;
import io.ffmpegqueue.testing.FakeFfmpegRunner;
import io.ffmpegqueue.testing.FakeOutcome;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 registrations from 50 client threads at once, while workers run them through the real pipeline
 * (the testing kit's fake ffmpeg stands in for ffmpeg): every one is accepted, gets its own id, and
 * reaches a final state with its output stored; none is lost, none runs twice.
 */
class ConcurrentRegistrationIT {
  private static final int CLIENTS = 50;
  private static final int PER_CLIENT = 20;

  @TempDir
  Path dir;

  @Test
  void a_thousand_concurrent_registrations_are_all_accepted_and_all_complete_exactly_once() throws Exception {
    FakeFfmpegRunner ffmpeg = new FakeFfmpegRunner();
    try (FfmpegService s = TestService.startWithFakeFfmpeg(dir, Map.of("NUM_WORKERS", "4"), ffmpeg)) {
      Http http = new Http(s.port(), null);
      ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          int client = c;
          done.add(clients.submit(() -> {
            go.await();
            for (int i = 0; i < PER_CLIENT; i++) {
              String out = "out-" + client + "-" + i + ".mp4";
              Http.Response r = http.post("/ffmpeg/register", TestService.taskJson(dir, out));
              if (r.status() == 200 && r.json().get("status").asText().equals("pending")) {
                ids.add(r.json().get("task_id").asText());
              } else {
                refusals.add(r.status() + " " + r.body());
              }
            }
            return null;
          }));
        }
        go.countDown();
        for (Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        clients.shutdownNow();
      }

      assertThat(refusals).isEmpty();
      assertThat(ids).hasSize(CLIENTS * PER_CLIENT);
      Set<String> unique = new HashSet<>(ids);
      assertThat(unique).as("every task has its own id").hasSize(CLIENTS * PER_CLIENT);

      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> s.queue().counts().get(TaskStatus.COMPLETED) == CLIENTS * PER_CLIENT);
      JsonNode completed = http.get("/ffmpeg/tasks?status=completed&limit=1000").json();
      Set<String> listed = new HashSet<>();
      completed.get("tasks").forEach(t -> {
        listed.add(t.get("task_id").asText());
        String name = t.get("outputs").get(0).get("name").asText();
        assertThat(Path.of(URI.create(t.get("output_url").asText()))).hasBinaryContent(FakeOutcome.defaultContent(name));
      });
      assertThat(listed).isEqualTo(unique);
      assertThat(http.get("/ffmpeg/queue/size").json().get("queue_size").asLong()).isZero();
      assertThat(s.queue().counts()).containsEntry(TaskStatus.RUNNING, 0L).containsEntry(TaskStatus.FAILED, 0L)
          .containsEntry(TaskStatus.PENDING, 0L);
      assertThat(ffmpeg.runCount()).as("each task ran exactly once").isEqualTo(CLIENTS * PER_CLIENT);
    }
  }
}
