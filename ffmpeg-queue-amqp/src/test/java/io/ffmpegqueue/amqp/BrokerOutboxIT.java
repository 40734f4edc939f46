package io.ffmpegqueue.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash the outbox is for, on PostgreSQL and on Redis: a process takes a Celery task, runs it, and is
 * killed (SIGKILL) after the task ended in the backend, while none of what it published was confirmed (its
 * publishing connection to the broker stopped passing bytes once its bridge started): the task's events and
 * its Celery states. A second process's bridge then publishes them from the backend: the real Celery client's
 * {@code get()} returns the result, and a queue bound to {@code task.#} gets every event of the task in order.
 */
class BrokerOutboxIT {
  private static final BrokerOutbox.Timings QUICK = new BrokerOutbox.Timings(Duration.ofMillis(500),
      Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(20), Duration.ofMillis(200));

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "redis"})
  void the_result_and_events_of_a_process_killed_before_the_confirm_are_published_by_another_bridge(
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
      com.rabbitmq.client.Connection listen = broker.connect();
      Channel events = listen.createChannel();
      events.exchangeDeclare("ffmpeg.events", "topic", true);
      String seen = events.queueDeclare("", false, true, true, null).getQueue();
      events.queueBind(seen, "ffmpeg.events", "task.#");

      // The first process takes the message, runs the task, and is killed before its result is confirmed.
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
          System.getProperty("java.class.path"), OutboxChild.class.getName(), store,
          pg ? db.getJdbcUrl("postgres", "postgres") : redis.url(), Integer.toString(broker.port()), "outbox",
          "outbox.register").redirectError(dir.resolve("child.err").toFile()).start();
      String celeryId;
      CeleryClient client;
      try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        // Sent once its publishing connection is paused, so that not even the task's first event gets through.
        CompletableFuture.supplyAsync(() -> line(out, "READY")).get(120, TimeUnit.SECONDS);
        client = CeleryClient.start(dir, broker.url(), "outbox", List.of(CeleryClient.task(kwargs)), 240);
        celeryId = CompletableFuture.supplyAsync(() -> line(out, "ENDED ")).get(120, TimeUnit.SECONDS);
        assertThat(backend.find(TaskId.of(celeryId)).orElseThrow().status()).isEqualTo(TaskStatus.COMPLETED);
        // The result (with the final event), and the submitted, started and progress events.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(kept.getAsLong()).as("kept with the task").isEqualTo(4));
        assertThat(events.messageCount(seen)).as("nothing of the first process reached the broker").isZero();
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
        List<String> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
          GetResponse g = events.basicGet(seen, true);
          if (g != null) {
            JsonNode n = TaskJson.mapper().readTree(g.getBody());
            assertThat(n.path("task_id").asText()).isEqualTo(celeryId);
            assertThat(g.getEnvelope().getRoutingKey()).isEqualTo("task." + n.path("event").asText());
            if (got.isEmpty() || !got.get(got.size() - 1).equals(n.path("event").asText())) {
              got.add(n.path("event").asText()); // a repeated event is the same one
            }
            if (n.path("event").asText().equals("progress")) {
              assertThat(n.path("progress").asDouble()).isEqualTo(0.5);
              assertThat(n.path("fps").asDouble()).isEqualTo(25.0);
            }
          }
          return got.contains("completed");
        });
        assertThat(got).containsExactly("submitted", "started", "progress", "completed");
        assertThat(second.republishedEvents()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
            assertThat(kept.getAsLong()).as("removed once confirmed").isZero());
      } finally {
        listen.close();
      }
    }
  }

  /** What follows {@code start} on the child's next line that begins with it. */
  private static String line(BufferedReader r, String start) {
    try {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith(start)) {
          return line.substring(start.length());
        }
      }
      throw new IllegalStateException("the child process ended before printing " + start);
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
