package io.ffmpegqueue.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ffmpegqueue.FfmpegQueueClient;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.postgres.PostgresQueueBackend;
import io.ffmpegqueue.redis.RedisQueueBackend;
import io.ffmpegqueue.spi.QueueBackend;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash the result outbox is for, on PostgreSQL and on Redis: a process takes a Celery task, runs it, and
 * is killed (SIGKILL) after the task ended in the backend and before the broker confirmed its result (its
 * publishing connection to the broker stopped passing bytes when the task's handler ran). A second process's
 * bridge then publishes the result from the task kept in the backend, and the real Celery client's
 * {@code get()} returns it.
 */
class ResultOutboxIT {
  private static final ResultOutbox.Timings QUICK = new ResultOutbox.Timings(Duration.ofMillis(500),
      Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(20), Duration.ofMillis(200));

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "redis"})
  void a_result_whose_process_was_killed_before_the_confirm_is_published_by_another_bridge_and_get_returns(
      String store, @TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("rabbit"));
    Files.createDirectories(dir.resolve("redis"));
    boolean pg = store.equals("postgres");
    try (RabbitBroker broker = RabbitBroker.start(dir.resolve("rabbit"));
        EmbeddedPostgres db = pg ? EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg"))
            .setCleanDataDirectory(true).start() : null;
        RedisServer redis = pg ? null : RedisServer.start(dir.resolve("redis"));
        QueueBackend backend = pg
            ? PostgresQueueBackend.builder(db.getPostgresDatabase()).pollInterval(Duration.ofMillis(200)).build()
            : RedisQueueBackend.builder(redis.url()).pollInterval(Duration.ofMillis(200)).build();
        RedisClient redisClient = pg ? null : RedisClient.create(redis.url());
        StatefulRedisConnection<String, String> redisConnection = pg ? null : redisClient.connect()) {
      LongSupplier kept = pg ? () -> keptRows(db) : () -> redisConnection.sync().zcard("{ffq}:mdue");
      ObjectNode kwargs = TaskJson.mapper().createObjectNode();
      kwargs.put("command", "-f lavfi -i testsrc out.mp4");
      kwargs.put("output_filename", "out.mp4");
      CeleryClient client = CeleryClient.start(dir, broker.url(), "outbox", List.of(CeleryClient.task(kwargs)), 240);
      client.awaitSent(60);

      // The first process takes the message, runs the task, and is killed before its result is confirmed.
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
          System.getProperty("java.class.path"), OutboxChild.class.getName(), store,
          pg ? db.getJdbcUrl("postgres", "postgres") : redis.url(), Integer.toString(broker.port()), "outbox",
          "outbox.register").redirectError(dir.resolve("child.err").toFile()).start();
      String celeryId;
      try {
        CompletableFuture<String> ended = CompletableFuture.supplyAsync(() -> endedLine(child));
        celeryId = ended.get(120, TimeUnit.SECONDS);
        assertThat(backend.find(TaskId.of(celeryId)).orElseThrow().status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(kept.getAsLong()).as("the result kept with the task").isEqualTo(1);
      } finally {
        child.destroyForcibly(); // SIGKILL
        child.waitFor(30, TimeUnit.SECONDS);
      }

      // A second process: its bridge finds the result in the outbox, publishes it, and the client gets it.
      try (FfmpegQueueClient api = FfmpegQueueClient.builder(backend).build();
          AmqpBridge second = AmqpBridge.start(api, AmqpSettings.builder(broker.url()).celeryQueue("outbox")
              .registerQueue("outbox.register").build(), null, QUICK)) {
        List<JsonNode> results = client.results(200);
        assertThat(results).singleElement().satisfies(r -> {
          assertThat(r.path("id").asText()).isEqualTo(celeryId);
          assertThat(r.path("state").asText()).as("%s", r).isEqualTo("SUCCESS");
          assertThat(r.path("result").path("status").asText()).isEqualTo("completed");
        });
        assertThat(second.republishedResults()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
            assertThat(kept.getAsLong()).as("removed once confirmed").isZero());
      }
    }
  }

  private static String endedLine(Process child) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("ENDED ")) {
          return line.substring("ENDED ".length());
        }
      }
      throw new IllegalStateException("the child process ended without its task");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long keptRows(EmbeddedPostgres db) {
    try (Connection c = db.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM public.ffq_messages")) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
