package io.ffmpegqueue.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.ProcessFfmpegRunner;
import io.ffmpegqueue.ffmpeg.Sandbox;
import io.ffmpegqueue.io.LocalStorage;
import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.spi.TaskContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real RabbitMQ and the real Celery client against two bridges on one broker: one whose queue runs ffmpeg
 * (Celery queue {@code celery}), one whose handler does nothing or waits to be cancelled (Celery queue
 * {@code bulk}), so the thousand-task runs take seconds. One broker for the class: it is slow to start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CeleryIT {
  private static final int CLIENT_TIMEOUT = 240;

  private Path dir;

  private RabbitBroker broker;
  private FfmpegQueue ffmpegQueue;
  private AmqpBridge ffmpegBridge;
  private FfmpegQueue fastQueue;
  private AmqpBridge fastBridge;
  private Connection events;
  private final ConcurrentLinkedQueue<JsonNode> published = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean redeliverNext = new AtomicBoolean();
  private final CountDownLatch gate = new CountDownLatch(1);

  @BeforeAll
  void start(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    Files.createDirectories(dir.resolve("rabbit"));
    broker = RabbitBroker.start(dir.resolve("rabbit"));
    ffmpegQueue = FfmpegQueue.builder()
        .runner(ProcessFfmpegRunner.builder().sandbox(Sandbox.NONE).build())
        .storage(LocalStorage.at(dir.resolve("outputs")))
        .workspaceRoot(dir.resolve("work"))
        .minFreeSpace(0)
        .workers(2)
        .build();
    ffmpegBridge = AmqpBridge.start(ffmpegQueue, AmqpSettings.builder(broker.url()).build());
    fastQueue = FfmpegQueue.builder().handler(this::fastHandler).workers(8).build();
    fastBridge = AmqpBridge.start(fastQueue, AmqpSettings.builder(broker.url())
        .celeryQueue("bulk").registerQueue("bulk.register").build(), (source, ch, env) -> {
          if (!env.isRedeliver() && redeliverNext.compareAndSet(true, false)) {
            ch.basicRecover(true); // as if this consumer died after the enqueue, before its ack
            return false;
          }
          return true;
        });
    events = broker.connect();
    Channel ch = events.createChannel();
    String q = ch.queueDeclare("", false, true, true, null).getQueue();
    ch.queueBind(q, "ffmpeg.events", "task.#");
    ch.basicConsume(q, true, new DefaultConsumer(ch) {
      @Override
      public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
        try {
          ObjectNode n = (ObjectNode) TaskJson.mapper().readTree(body);
          n.put("routing_key", env.getRoutingKey());
          published.add(n);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    });
  }

  @AfterAll
  void stop() throws Exception {
    gate.countDown();
    for (AutoCloseable c : new AutoCloseable[] {events, fastBridge, fastQueue, ffmpegBridge, ffmpegQueue, broker}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          // closing the rest matters more
        }
      }
    }
  }

  /**
   * Does nothing; a task whose metadata says {@code gate} first waits for the gate to open, one that says
   * {@code block} waits until it is stopped.
   */
  private List<TaskOutput> fastHandler(TaskContext ctx) throws Exception {
    if (ctx.task().request().metadata().containsKey("gate")) {
      gate.await(CLIENT_TIMEOUT, TimeUnit.SECONDS);
    }
    if (ctx.task().request().metadata().containsKey("block")) {
      CountDownLatch stopped = new CountDownLatch(1);
      var onStop = ctx.onStop(stopped::countDown);
      try {
        stopped.await(CLIENT_TIMEOUT, TimeUnit.SECONDS);
      } finally {
        onStop.close();
      }
      throw new IllegalStateException("stopped");
    }
    List<TaskOutput> out = new ArrayList<>();
    for (String name : ctx.task().request().outputs()) {
      out.add(new TaskOutput(name, URI.create("memory://outputs/" + ctx.task().id() + "/" + name), 0, null, null, null,
          null));
    }
    return out;
  }

  private static ObjectNode kwargs(String command, String output) {
    ObjectNode k = TaskJson.mapper().createObjectNode();
    k.put("command", command);
    k.put("output_filename", output);
    return k;
  }

  private List<JsonNode> run(String queue, List<ObjectNode> tasks) throws Exception {
    return CeleryClient.start(dir, broker.url(), queue, tasks, CLIENT_TIMEOUT).results(CLIENT_TIMEOUT + 30);
  }

  private List<Task> tasksOf(FfmpegQueue queue, String celeryId) {
    List<Task> found = new ArrayList<>();
    for (TaskStatus s : TaskStatus.values()) {
      for (Task t : queue.list(new TaskQuery(s, TaskQuery.MAX_LIMIT, 0))) {
        if (celeryId.equals(t.request().metadata().get(CeleryReplies.ID_KEY))) {
          found.add(t);
        }
      }
    }
    return found;
  }

  private List<String> eventsOf(String taskId) {
    return published.stream().filter(n -> n.path("task_id").asText().equals(taskId))
        .map(n -> n.path("event").asText()).filter(e -> !e.equals("progress")).toList();
  }

  @Test
  @Order(1)
  void a_celery_client_gets_the_final_task_json_of_a_real_ffmpeg_task_and_its_events_in_order() throws Exception {
    List<JsonNode> results = run("celery", List.of(CeleryClient.task(
        kwargs("-f lavfi -i testsrc=duration=1:size=160x120:rate=10 -c:v mpeg4 out.mp4", "out.mp4"))));

    JsonNode r = results.get(0);
    assertThat(r.path("state").asText()).as("%s", r).isEqualTo("SUCCESS");
    JsonNode task = r.path("result");
    assertThat(task.path("status").asText()).isEqualTo("completed");
    assertThat(task.path("output_url").asText()).endsWith("/out.mp4");
    assertThat(task.path("metadata").path(CeleryReplies.ID_KEY).asText()).isEqualTo(r.path("id").asText());
    assertThat(task.path("task_id").asText()).as("the Celery id is the task id").isEqualTo(r.path("id").asText());
    assertThat(ffmpegQueue.find(io.ffmpegqueue.TaskId.of(r.path("id").asText()))).get()
        .satisfies(t -> assertThat(t.status()).isEqualTo(TaskStatus.COMPLETED));
    assertThat(Path.of(URI.create(task.path("output_url").asText()))).isNotEmptyFile();
    String taskId = task.path("task_id").asText();
    await().atMost(Duration.ofSeconds(30)).until(() -> eventsOf(taskId).contains("completed"));
    assertThat(eventsOf(taskId)).containsExactly("submitted", "started", "completed");
    assertThat(published).filteredOn(n -> n.path("task_id").asText().equals(taskId))
        .allSatisfy(n -> assertThat(n.path("routing_key").asText()).isEqualTo("task." + n.path("event").asText()));
  }

  @Test
  @Order(2)
  void a_failing_ffmpeg_task_raises_its_error_message_in_the_celery_client() throws Exception {
    ObjectNode k = kwargs("-f lavfi -i testsrc=duration=1:size=160x120:rate=10 -c:v no_such_encoder out.mp4", "out.mp4");
    k.put("max_attempts", 1);
    JsonNode r = run("celery", List.of(CeleryClient.task(k))).get(0);

    assertThat(r.path("state").asText()).as("%s", r).isEqualTo("FAILURE");
    assertThat(r.path("exc_type").asText()).isEqualTo("FfmpegTaskError");
    List<Task> tasks = tasksOf(ffmpegQueue, r.path("id").asText());
    assertThat(tasks).singleElement().satisfies(t -> {
      assertThat(t.status()).isEqualTo(TaskStatus.FAILED);
      assertThat(r.path("exc_message").asText()).isEqualTo(t.errorMessage()).isNotBlank();
    });
  }

  @Test
  @Order(3)
  void revoking_a_started_task_cancels_it_and_the_client_raises_task_revoked() throws Exception {
    ObjectNode k = kwargs("-f lavfi -i testsrc out.mp4", "out.mp4");
    k.putObject("metadata").put("block", "yes");
    ObjectNode spec = CeleryClient.task(k);
    spec.put("revoke_when_started", true);
    JsonNode r = run("bulk", List.of(spec)).get(0);

    assertThat(r.path("states").toString()).as("%s", r).contains("STARTED");
    assertThat(r.path("state").asText()).as("%s", r).isEqualTo("REVOKED");
    assertThat(r.path("exc_type").asText()).isEqualTo("TaskRevokedError");
    assertThat(tasksOf(fastQueue, r.path("id").asText())).singleElement()
        .satisfies(t -> assertThat(t.status()).isEqualTo(TaskStatus.CANCELLED));
  }

  @Test
  @Order(4)
  void a_redelivered_message_registers_its_task_once() throws Exception {
    long replayed = fastBridge.replayed();
    redeliverNext.set(true);
    JsonNode r = run("bulk", List.of(CeleryClient.task(kwargs("-f lavfi -i testsrc out.mp4", "out.mp4")))).get(0);

    assertThat(r.path("state").asText()).as("%s", r).isEqualTo("SUCCESS");
    assertThat(redeliverNext).isFalse();
    assertThat(fastBridge.replayed()).isEqualTo(replayed + 1);
    assertThat(tasksOf(fastQueue, r.path("id").asText())).hasSize(1);
  }

  @Test
  @Order(5)
  void invalid_messages_are_dead_lettered_with_the_reason_and_a_celery_client_gets_it_as_an_exception()
      throws Exception {
    long before = fastBridge.deadLettered();
    ObjectNode noCommand = TaskJson.mapper().createObjectNode().put("output_filename", "out.mp4");
    ObjectNode badId = CeleryClient.task(kwargs("-f lavfi -i testsrc out.mp4", "out.mp4"));
    badId.put("task_id", "not a task id: spaces");
    List<JsonNode> results = run("bulk", List.of(CeleryClient.task(noCommand), badId));
    JsonNode r = results.get(0);
    assertThat(r.path("state").asText()).as("%s", r).isEqualTo("FAILURE");
    assertThat(r.path("exc_type").asText()).isEqualTo("InvalidTaskError");
    assertThat(r.path("exc_message").asText()).startsWith("command: is required");
    assertThat(results.get(1).path("exc_type").asText()).as("%s", results.get(1)).isEqualTo("InvalidTaskError");
    assertThat(results.get(1).path("exc_message").asText()).startsWith("id: the Celery task id cannot be a task id");

    try (Connection c = broker.connect(); Channel ch = c.createChannel()) {
      ch.basicPublish("", "bulk", new AMQP.BasicProperties.Builder().contentType("text/plain").build(),
          "not a task".getBytes(StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(30)).until(() -> fastBridge.deadLettered() == before + 3);
      Map<String, String> reasons = new HashMap<>();
      for (int i = 0; i < 10; i++) {
        GetResponse g = ch.basicGet("ffmpeg.dead-letter", true);
        if (g == null) {
          break;
        }
        reasons.put(new String(g.getBody(), StandardCharsets.UTF_8),
            String.valueOf(g.getProps().getHeaders().get(AmqpSettings.REASON_HEADER)));
        assertThat(String.valueOf(g.getProps().getHeaders().get(AmqpSettings.SOURCE_HEADER))).isEqualTo("bulk");
      }
      assertThat(reasons).containsEntry("not a task",
          "not a Celery protocol 2 message: the 'task' and 'id' headers are required (Celery's task_protocol 1 is not supported)");
      assertThat(reasons.values()).anySatisfy(v -> assertThat(v).startsWith("command: is required"))
          .anySatisfy(v -> assertThat(v).startsWith("id: the Celery task id cannot be a task id"));
      assertThat(ch.queueDeclarePassive("bulk").getMessageCount()).isZero();
    }
  }

  @Test
  @Order(6)
  void a_plain_json_message_registers_a_task_and_gets_the_registration_answer() throws Exception {
    try (Connection c = broker.connect(); Channel ch = c.createChannel()) {
      String replies = ch.queueDeclare("", false, true, true, null).getQueue();
      AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json")
          .replyTo(replies).correlationId("c-1").messageId("plain-1").build();
      ch.basicPublish("", "bulk.register", props,
          "{\"command\": \"-f lavfi -i testsrc out.mp4\", \"output_filename\": \"out.mp4\"}".getBytes(StandardCharsets.UTF_8));
      ch.basicPublish("", "bulk.register", props.builder().correlationId("c-2").messageId("plain-2").build(),
          "{\"output_filename\": \"out.mp4\"}".getBytes(StandardCharsets.UTF_8));
      Map<String, JsonNode> answers = new HashMap<>();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        GetResponse g = ch.basicGet(replies, true);
        if (g != null) {
          answers.put(g.getProps().getCorrelationId(), TaskJson.mapper().readTree(g.getBody()));
        }
        return answers.size() == 2;
      });
      assertThat(answers.get("c-1").path("status").asText()).isEqualTo("pending");
      assertThat(fastQueue.find(io.ffmpegqueue.TaskId.of(answers.get("c-1").path("task_id").asText()))).isPresent();
      assertThat(answers.get("c-2").path("error").asText()).isEqualTo("invalid_request");
      assertThat(answers.get("c-2").path("field").asText()).isEqualTo("command");
    }
  }

  @Test
  @Order(7)
  void a_full_queue_holds_the_messages_in_rabbitmq_until_there_is_room() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    InMemoryQueueBackend backend = InMemoryQueueBackend.builder().capacity(5).build();
    try (FfmpegQueue small = FfmpegQueue.builder().backend(backend).workers(1).drainTimeout(Duration.ZERO)
            .handler(ctx -> {
              var stop = ctx.onStop(release::countDown); // a failed test's close must not wait for the latch
              try {
                release.await(CLIENT_TIMEOUT, TimeUnit.SECONDS);
              } finally {
                stop.close();
              }
              return List.of(new TaskOutput("out.mp4", URI.create("memory://out.mp4"), 0, null, null, null, null));
            }).build();
        AmqpBridge bridge = AmqpBridge.start(small, AmqpSettings.builder(broker.url()).celeryQueue("small")
            .registerQueue("small.register").prefetch(4).build())) {
      List<ObjectNode> tasks = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        tasks.add(CeleryClient.task(kwargs("-f lavfi -i testsrc out.mp4", "out.mp4")));
      }
      CeleryClient client = CeleryClient.start(dir, broker.url(), "small", tasks, CLIENT_TIMEOUT);
      client.awaitSent(60);
      await().atMost(Duration.ofSeconds(60)).until(() -> bridge.waitedForRoom() > 0 && small.queueSize() == 5);
      try (Connection c = broker.connect(); Channel ch = c.createChannel()) {
        // 1 running, 5 pending, at most 4 unacknowledged: the rest waits in RabbitMQ.
        assertThat(ch.queueDeclarePassive("small").getMessageCount()).isGreaterThanOrEqualTo(20 - 1 - 5 - 4);
      }
      release.countDown();
      List<JsonNode> results = client.results(CLIENT_TIMEOUT + 30);
      assertThat(results).hasSize(20).allSatisfy(r -> assertThat(r.path("state").asText()).as("%s", r).isEqualTo("SUCCESS"));
      assertThat(bridge.registered()).isEqualTo(20);
      assertThat(bridge.deadLettered()).isZero();
    } finally {
      release.countDown();
      backend.close();
    }
  }

  @Test
  @Order(8)
  void a_thousand_tasks_sent_at_once_all_get_their_results_and_each_tasks_events_arrive_in_order() throws Exception {
    List<ObjectNode> tasks = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      tasks.add(CeleryClient.task(kwargs("-f lavfi -i testsrc out.mp4", "out.mp4")));
    }
    List<JsonNode> results = run("bulk", tasks);

    assertThat(results).hasSize(1000).allSatisfy(r -> {
      assertThat(r.path("state").asText()).as("%s", r).isEqualTo("SUCCESS");
      assertThat(r.path("result").path("status").asText()).isEqualTo("completed");
    });
    List<String> ids = results.stream().map(r -> r.path("result").path("task_id").asText()).distinct().toList();
    assertThat(ids).hasSize(1000);
    await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> eventsOf(id).contains("completed")));
    Map<String, List<String>> byTask = ids.stream().collect(Collectors.toMap(id -> id, this::eventsOf));
    assertThat(byTask).allSatisfy((id, seq) -> assertThat(seq).as(id).containsExactly("submitted", "started", "completed"));
  }

  @Test
  @Order(9)
  void a_broker_restart_in_the_middle_of_a_thousand_tasks_loses_no_task_and_no_result() throws Exception {
    long registered = fastBridge.registered();
    long retries = fastBridge.publishRetries();
    List<ObjectNode> tasks = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      ObjectNode k = kwargs("-f lavfi -i testsrc out.mp4", "out.mp4");
      k.putObject("metadata").put("gate", "yes");
      tasks.add(CeleryClient.task(k));
    }
    // The real client: it sends, then waits in get() (on the first task) while the broker restarts.
    CeleryClient client = CeleryClient.start(dir, broker.url(), "bulk", tasks, CLIENT_TIMEOUT);
    client.awaitSent(120);
    await().atMost(Duration.ofSeconds(120)).until(() -> fastBridge.registered() >= registered + 100);
    // The tasks end, and their results and events go out, while the broker stops and starts again.
    gate.countDown();
    broker.restart();

    List<JsonNode> results = client.results(CLIENT_TIMEOUT + 30);
    assertThat(results).hasSize(1000).allSatisfy(r -> {
      assertThat(r.path("state").asText()).as("%s", r).isEqualTo("SUCCESS");
      assertThat(r.path("result").path("task_id").asText()).isEqualTo(r.path("id").asText());
    });
    assertThat(results.get(0).path("reconnects").asInt()).as("the client's wait was cut by the restart").isPositive();
    assertThat(fastBridge.registered() - registered).as("tasks registered once each").isEqualTo(1000);
    assertThat(fastBridge.publishRetries()).as("publishing was cut by the restart").isGreaterThan(retries);
  }

  @Test
  @Order(10)
  void results_waiting_in_the_reply_queue_survive_the_client_stopping_its_consumer_between_gets() throws Exception {
    long before = fastBridge.published();
    List<ObjectNode> tasks = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      tasks.add(CeleryClient.task(kwargs("-f lavfi -i testsrc out.mp4", "out.mp4")));
    }
    CeleryClient client = CeleryClient.start(dir, broker.url(), "bulk", tasks, CLIENT_TIMEOUT, true);
    client.awaitSent(120);
    // Every result waits in the client's reply queue before it consumes (a STARTED and a SUCCESS per task, and
    // three events each on the events exchange).
    await().atMost(Duration.ofSeconds(120)).until(() -> fastBridge.published() - before >= 5 * 1000);
    // Celery's rpc:// client stops consuming its reply queue when a get() returns, and RabbitMQ deletes an
    // auto-delete queue with whatever waits in it when its last consumer goes.
    client.go();

    List<JsonNode> results = client.results(CLIENT_TIMEOUT + 30);
    assertThat(results).hasSize(1000).allSatisfy(r -> assertThat(r.path("state").asText()).as("%s", r).isEqualTo("SUCCESS"));
  }

  @Test
  @Order(11)
  void stopping_the_intake_while_it_waits_for_room_gives_the_held_messages_back_and_a_new_bridge_takes_them()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    InMemoryQueueBackend backend = InMemoryQueueBackend.builder().capacity(5).build();
    try (FfmpegQueue small = FfmpegQueue.builder().backend(backend).workers(1).drainTimeout(Duration.ZERO)
        .handler(ctx -> {
          var stop = ctx.onStop(release::countDown);
          try {
            release.await(CLIENT_TIMEOUT, TimeUnit.SECONDS);
          } finally {
            stop.close();
          }
          return List.of(new TaskOutput("out.mp4", URI.create("memory://out.mp4"), 0, null, null, null, null));
        }).build()) {
      AmqpSettings settings = AmqpSettings.builder(broker.url()).celeryQueue("held").registerQueue("held.register")
          .prefetch(4).build();
      List<ObjectNode> tasks = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        tasks.add(CeleryClient.task(kwargs("-f lavfi -i testsrc out.mp4", "out.mp4")));
      }
      CeleryClient client;
      try (AmqpBridge first = AmqpBridge.start(small, settings)) {
        client = CeleryClient.start(dir, broker.url(), "held", tasks, CLIENT_TIMEOUT);
        client.awaitSent(60);
        // 1 running, 5 pending, and each of the 4 consumer channels holds a message while it waits for room.
        await().atMost(Duration.ofSeconds(60)).until(() -> first.waitedForRoom() >= 4 && small.queueSize() == 5);

        first.stopIntake(); // returns once the held messages went back

        assertThat(first.registered()).isEqualTo(6);
        try (Connection c = broker.connect(); Channel ch = c.createChannel()) {
          await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            AMQP.Queue.DeclareOk q = ch.queueDeclarePassive("held");
            assertThat(q.getConsumerCount()).isZero();
            assertThat(q.getMessageCount()).as("every message not registered is back in RabbitMQ").isEqualTo(20 - 6);
          });
        }
      }
      // Another bridge (as after a restart) takes the rest, and answers every task as it ends.
      try (AmqpBridge second = AmqpBridge.start(small, settings)) {
        release.countDown();
        List<JsonNode> results = client.results(CLIENT_TIMEOUT + 30);
        assertThat(results).hasSize(20).allSatisfy(r -> assertThat(r.path("state").asText()).as("%s", r).isEqualTo("SUCCESS"));
        assertThat(second.registered()).isEqualTo(14);
        assertThat(second.replayed()).isZero();
      }
    } finally {
      release.countDown();
      backend.close();
    }
  }
}
