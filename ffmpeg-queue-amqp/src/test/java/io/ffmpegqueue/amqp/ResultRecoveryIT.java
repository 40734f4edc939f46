package io.ffmpegqueue.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.FfmpegQueueClient;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.postgres.PostgresQueueBackend;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task that ends on PostgreSQL in a process whose result never reached the broker (that process is gone,
 * or, as here, has no bridge: the broker and the database are as a process killed between the task's end and
 * the broker's confirm would leave them), then a second process starts its bridge: it publishes the result
 * from the task, and the real Celery client's {@code get()} returns.
 */
class ResultRecoveryIT {

  @Test
  void a_result_that_no_process_published_is_published_by_the_next_bridge_to_start_and_get_returns(
      @TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("rabbit"));
    try (RabbitBroker broker = RabbitBroker.start(dir.resolve("rabbit"));
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg"))
            .setCleanDataDirectory(true).start();
        PostgresQueueBackend backend = PostgresQueueBackend.builder(pg.getPostgresDatabase())
            .pollInterval(Duration.ofMillis(200)).build()) {
      AmqpSettings settings = AmqpSettings.builder(broker.url()).celeryQueue("recovery")
          .registerQueue("recovery.register").build();
      ObjectNode kwargs = TaskJson.mapper().createObjectNode();
      kwargs.put("command", "-f lavfi -i testsrc out.mp4");
      kwargs.put("output_filename", "out.mp4");
      CeleryClient client;
      String celeryId;
      // The process that takes the message: it registers the task, and is gone before the task ends.
      try (FfmpegQueueClient intake = FfmpegQueueClient.builder(backend).build();
          AmqpBridge first = AmqpBridge.start(intake, settings)) {
        client = CeleryClient.start(dir, broker.url(), "recovery", List.of(CeleryClient.task(kwargs)), 240);
        client.awaitSent(60);
        await().atMost(Duration.ofSeconds(60)).until(() -> first.registered() == 1);
        first.stopIntake();
      }
      // The process whose worker ends the task, and that dies before it publishes the result.
      List<TaskOutput> out = List.of(new TaskOutput("out.mp4", URI.create("memory://out.mp4"), 0, null, null, null, null));
      try (FfmpegQueue worker = FfmpegQueue.builder().backend(backend).workers(1).handler(ctx -> out).build()) {
        celeryId = worker.list(new io.ffmpegqueue.TaskQuery(null, 10, 0)).get(0).id().value();
        await().atMost(Duration.ofSeconds(60))
            .until(() -> worker.find(TaskId.of(celeryId)).orElseThrow().status() == TaskStatus.COMPLETED);
      }
      // A second process starts: its bridge publishes the result, and the waiting client gets it.
      try (FfmpegQueueClient api = FfmpegQueueClient.builder(backend).build();
          AmqpBridge second = AmqpBridge.start(api, settings)) {
        List<JsonNode> results = client.results(270);
        // The sweep counts after it published: the client may hold the result before the count is set.
        await().atMost(Duration.ofSeconds(60)).until(() -> second.recoveredResults() >= 0);
        assertThat(second.recoveredResults()).isEqualTo(1);
        assertThat(results).singleElement().satisfies(r -> {
          assertThat(r.path("id").asText()).isEqualTo(celeryId);
          assertThat(r.path("state").asText()).as("%s", r).isEqualTo("SUCCESS");
          assertThat(r.path("result").path("status").asText()).isEqualTo("completed");
        });
      }
    }
  }
}
