package io.ffmpegqueue.examples.server;

import static io.ffmpegqueue.examples.server.BadRequestsIT.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.examples.support.Http;
import io.ffmpegqueue.examples.support.TestService;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.testing.FakeFfmpegRunner;
import io.ffmpegqueue.testing.FakeOutcome;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API over real HTTP on loopback, with the service's real pipeline (inputs fetched, outputs stored)
 * and the testing kit's fake ffmpeg, so each step is under the test's control: the guide's three
 * endpoints, list, cancel, idempotency, event streams, health, auth, a full queue and the access log.
 */
class ApiIT {
  @TempDir
  Path dir;
  String task;
  /** Stands in for ffmpeg behind the service's real pipeline; each test scripts it. */
  final FakeFfmpegRunner ffmpeg = new FakeFfmpegRunner();
  /** Lets held runs ({@link #hold()}) finish once completed. */
  final CompletableFuture<Void> release = new CompletableFuture<>();

  @org.junit.jupiter.api.BeforeEach
  void makeTask() {
    task = TestService.taskJson(dir, "out.mp4");
  }

  private FfmpegService start(Map<String, String> vars) {
    return TestService.startWithFakeFfmpeg(dir, vars, ffmpeg);
  }

  /** From now on, runs report progress 0.5 and stay RUNNING until {@link #release} or a stop. */
  private void hold() {
    ffmpeg.defaultOutcome(FakeOutcome.succeed().withProgress(0.5).withPauseUntil(release));
  }

  /** Where the service's local storage keeps output {@code name} of task {@code id}. */
  private Path stored(String id, String name) {
    return dir.resolve("outputs").resolve(id).resolve(name);
  }

  private static Path path(JsonNode url) {
    return Path.of(URI.create(url.asText()));
  }

  @Test
  void register_answers_with_exactly_the_guides_four_fields_then_status_follows_the_task_to_completed() {
    // The output is the input as fetched: what is stored shows the whole path was taken.
    ffmpeg.defaultOutcome(FakeOutcome.succeed().withOutputCopiedFrom("out.mp4", "input.mp4").withProgress(0.5)
        .withPauseUntil(release));
    try (FfmpegService s = start(Map.of("NUM_WORKERS", "1"))) {
      Http http = new Http(s.port(), null);
      Http.Response r = http.post("/ffmpeg/register", task);
      assertThat(r.status()).isEqualTo(200);
      JsonNode n = r.json();
      List<String> names = new ArrayList<>();
      n.fieldNames().forEachRemaining(names::add);
      assertThat(names).containsExactly("task_id", "status", "output_url", "error_message");
      assertThat(n.get("status").asText()).isEqualTo("pending");
      assertThat(n.get("output_url").isNull()).isTrue();
      assertThat(n.get("error_message").isNull()).isTrue();
      String id = n.get("task_id").asText();
      assertThat(r.header("Location")).isEqualTo("/ffmpeg/status/" + id);

      await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/ffmpeg/status/" + id).json().get("status").asText().equals("running"));
      JsonNode running = http.get("/ffmpeg/status/" + id).json();
      assertThat(running.get("attempts").asInt()).isEqualTo(1);
      assertThat(running.get("started_at").isNull()).isFalse();

      release.complete(null);
      await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/ffmpeg/status/" + id).json().get("status").asText().equals("completed"));
      JsonNode done = http.get("/ffmpeg/status/" + id).json();
      assertThat(path(done.get("output_url"))).isEqualTo(stored(id, "out.mp4"));
      assertThat(stored(id, "out.mp4")).hasBinaryContent(TestService.PLACEHOLDER_INPUT);
      assertThat(done.get("error_message").isNull()).isTrue();
      assertThat(done.get("progress").asDouble()).isEqualTo(1.0);
      assertThat(done.get("outputs").get(0).get("name").asText()).isEqualTo("out.mp4");
      assertThat(done.get("created_at").asText()).isNotBlank();
      assertThat(done.get("finished_at").asText()).isNotBlank();
      assertThat(http.get("/ffmpeg/tasks/" + id).json()).isEqualTo(done);
    }
  }

  @Test
  void queue_size_counts_the_waiting_tasks_and_list_filters_by_status() {
    try (FfmpegService s = start(Map.of("NUM_WORKERS", "0"))) {
      Http http = new Http(s.port(), null);
      assertThat(http.get("/ffmpeg/queue/size").body()).isEqualTo("{\"queue_size\":0}");
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ids.add(http.post("/ffmpeg/register", task).json().get("task_id").asText());
      }
      assertThat(http.get("/ffmpeg/queue/size").json().get("queue_size").asLong()).isEqualTo(3);
      assertThat(http.delete("/ffmpeg/tasks/" + ids.get(0)).status()).isEqualTo(200);
      assertThat(http.get("/ffmpeg/queue/size").json().get("queue_size").asLong()).isEqualTo(2);

      JsonNode pending = http.get("/ffmpeg/tasks?status=pending&limit=10").json();
      assertThat(pending.get("count").asInt()).isEqualTo(2);
      assertThat(ids(pending)).containsExactly(ids.get(1), ids.get(2));
      assertThat(ids(http.get("/ffmpeg/tasks?status=cancelled").json())).containsExactly(ids.get(0));
      assertThat(http.get("/ffmpeg/tasks").json().get("count").asInt()).isEqualTo(3);
      assertThat(http.get("/ffmpeg/tasks?limit=1").json().get("count").asInt()).isEqualTo(1);
    }
  }

  @Test
  void cancel_stops_a_pending_task_at_once_a_running_one_shortly_and_refuses_a_finished_one() {
    hold();
    try (FfmpegService s = start(Map.of("NUM_WORKERS", "1"))) {
      Http http = new Http(s.port(), null);
      String running = http.post("/ffmpeg/register", task).json().get("task_id").asText();
      await().atMost(Duration.ofSeconds(10)).until(() -> status(http, running).equals("running"));
      String pending = http.post("/ffmpeg/register", task).json().get("task_id").asText();

      Http.Response p = http.delete("/ffmpeg/tasks/" + pending);
      assertThat(p.status()).isEqualTo(200);
      assertThat(p.json().get("status").asText()).isEqualTo("cancelled");

      Http.Response r = http.delete("/ffmpeg/tasks/" + running);
      assertThat(r.status()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(10)).until(() -> status(http, running).equals("cancelled"));
      assertThat(http.get("/ffmpeg/status/" + running).json().get("output_url").isNull()).isTrue();
      assertThat(ffmpeg.runCount()).as("the cancelled pending task never ran").isEqualTo(1);
      assertThat(dir.resolve("outputs").resolve(running)).as("nothing stored for a cancelled task").doesNotExist();

      release.complete(null);
      String done = http.post("/ffmpeg/register", task).json().get("task_id").asText();
      await().atMost(Duration.ofSeconds(10)).until(() -> status(http, done).equals("completed"));
      assertError(http.delete("/ffmpeg/tasks/" + done), 409, "conflict");
    }
  }

  @Test
  void a_repeated_idempotency_key_returns_the_first_task_and_enqueues_nothing_new() {
    try (FfmpegService s = start(Map.of("NUM_WORKERS", "0"))) {
      Http http = new Http(s.port(), null);
      Http.Response first = http.post("/ffmpeg/register", task, "Idempotency-Key", "upload-42");
      Http.Response again = http.post("/ffmpeg/register", task, "Idempotency-Key", "upload-42");
      assertThat(first.header("Idempotent-Replayed")).isNull();
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
      assertThat(again.json().get("task_id")).isEqualTo(first.json().get("task_id"));
      assertThat(http.get("/ffmpeg/queue/size").json().get("queue_size").asLong()).isEqualTo(1);
      assertThat(http.get("/ffmpeg/status/" + first.json().get("task_id").asText()).json().get("idempotency_key").asText())
          .isEqualTo("upload-42");
    }
  }

  @Test
  void a_full_queue_answers_503_with_retry_after_and_accepts_again_once_there_is_room() {
    try (FfmpegService s = start(Map.of("NUM_WORKERS", "0", "MAX_QUEUE", "2"))) {
      Http http = new Http(s.port(), null);
      String first = http.post("/ffmpeg/register", task).json().get("task_id").asText();
      assertThat(http.post("/ffmpeg/register", task).status()).isEqualTo(200);
      Http.Response full = http.post("/ffmpeg/register", task);
      assertError(full, 503, "queue_full");
      assertThat(Integer.parseInt(full.header("Retry-After"))).isPositive();
      http.delete("/ffmpeg/tasks/" + first);
      assertThat(http.post("/ffmpeg/register", task).status()).isEqualTo(200);
    }
  }

  @Test
  void the_event_stream_sends_the_status_then_progress_then_completion_and_ends() throws Exception {
    CompletableFuture<Void> subscribed = new CompletableFuture<>();
    ffmpeg.defaultOutcome(FakeOutcome.succeed().withPauseUntil(subscribed).withProgress(0.5).withPauseUntil(release));
    try (FfmpegService s = start(Map.of("NUM_WORKERS", "1"))) {
      Http http = new Http(s.port(), null);
      String id = http.post("/ffmpeg/register", task).json().get("task_id").asText();
      HttpResponse<Stream<String>> resp = http.client().send(http.request("/ffmpeg/tasks/" + id + "/events").GET().build(),
          HttpResponse.BodyHandlers.ofLines());
      assertThat(resp.statusCode()).isEqualTo(200);
      assertThat(resp.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
      List<String> events = new ArrayList<>();
      List<JsonNode> data = new ArrayList<>();
      Http.readEvents(resp, (event, json) -> {
        events.add(event);
        data.add(json);
        if (event.equals("status")) {
          subscribed.complete(null); // subscribed: now report progress
        } else if (event.equals("progress")) {
          release.complete(null); // progress seen: now let it finish
        }
      });
      assertThat(events.get(0)).isEqualTo("status");
      assertThat(events).contains("progress").endsWith("completed");
      assertThat(events.indexOf("progress")).isLessThan(events.indexOf("completed"));
      JsonNode progress = data.get(events.indexOf("progress"));
      assertThat(progress.get("task_id").asText()).isEqualTo(id);
      assertThat(progress.get("progress").asDouble()).isEqualTo(0.5);
      assertThat(path(data.get(data.size() - 1).get("output_url"))).isEqualTo(stored(id, "out.mp4"));
      await().atMost(Duration.ofSeconds(5)).until(() -> s.api().openEventStreams() == 0);
    }
  }

  @Test
  void the_event_stream_of_a_finished_task_sends_its_final_state_and_ends() throws Exception {
    try (FfmpegService s = start(Map.of("NUM_WORKERS", "0"))) {
      Http http = new Http(s.port(), null);
      String id = http.post("/ffmpeg/register", task).json().get("task_id").asText();
      http.delete("/ffmpeg/tasks/" + id);
      String body = http.get("/ffmpeg/tasks/" + id + "/events").body();
      assertThat(body).startsWith("event: status\ndata: {").contains("\nevent: cancelled\ndata: {").endsWith("}\n\n");
    }
  }

  @Test
  void an_event_stream_whose_client_goes_away_is_closed_with_its_subscription() throws Exception {
    hold();
    try (FfmpegService s = start(Map.of("NUM_WORKERS", "1"))) {
      Http http = new Http(s.port(), null);
      String id = http.post("/ffmpeg/register", task).json().get("task_id").asText();
      try (Socket sock = new Socket("127.0.0.1", s.port())) {
        sock.setSoTimeout(10_000);
        OutputStream out = sock.getOutputStream();
        out.write(("GET /ffmpeg/tasks/" + id + "/events HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(sock.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.contains("event: status")) {
          // headers and the chunk size line
        }
        assertThat(line).contains("event: status");
        assertThat(s.api().openEventStreams()).isEqualTo(1);
      }
      // The stream notices the closed connection on its next keep-alive and ends, unsubscribing.
      await().atMost(Duration.ofSeconds(10)).until(() -> s.api().openEventStreams() == 0);
      release.complete(null);
      await().atMost(Duration.ofSeconds(10)).until(() -> status(http, id).equals("completed"));
    }
  }

  @Test
  void closing_the_service_as_sigterm_does_lets_a_running_task_finish_within_the_drain_timeout() throws Exception {
    hold();
    FfmpegService s = start(Map.of("NUM_WORKERS", "1", "DRAIN_TIMEOUT", "20"));
    try {
      Http http = new Http(s.port(), null);
      String id = http.post("/ffmpeg/register", task).json().get("task_id").asText();
      await().atMost(Duration.ofSeconds(10)).until(() -> status(http, id).equals("running"));
      Thread closer = new Thread(s::close, "test-close");
      closer.start();
      // Released only once close() waits for the workers to drain, so the task ends inside the drain.
      await().atMost(Duration.ofSeconds(10)).until(() -> java.util.Arrays.stream(closer.getStackTrace())
          .anyMatch(f -> f.getMethodName().equals("awaitIdle")));
      release.complete(null);
      closer.join(20_000);
      assertThat(closer.isAlive()).isFalse();
      assertThat(s.queue().find(io.ffmpegqueue.TaskId.of(id)).orElseThrow().status())
          .isEqualTo(io.ffmpegqueue.TaskStatus.COMPLETED);
    } finally {
      s.close();
    }
  }

  @Test
  void a_task_still_running_when_the_drain_timeout_ends_goes_back_to_the_queue() {
    hold();
    FfmpegService s = start(Map.of("NUM_WORKERS", "1", "DRAIN_TIMEOUT", "0"));
    try {
      Http http = new Http(s.port(), null);
      String id = http.post("/ffmpeg/register", task).json().get("task_id").asText();
      await().atMost(Duration.ofSeconds(10)).until(() -> status(http, id).equals("running"));
      s.close();
      io.ffmpegqueue.Task t = s.queue().find(io.ffmpegqueue.TaskId.of(id)).orElseThrow();
      assertThat(t.status()).as("released, to run again").isEqualTo(io.ffmpegqueue.TaskStatus.PENDING);
    } finally {
      s.close();
    }
  }

  @Test
  void with_an_api_token_every_endpoint_but_health_needs_it() {
    String token = "s3cr3t-t0ken-0123456789abcdef";
    try (FfmpegService s = start(Map.of("NUM_WORKERS", "0", "API_TOKEN", token))) {
      Http anonymous = new Http(s.port(), null);
      for (Http.Response r : List.of(anonymous.post("/ffmpeg/register", task), anonymous.get("/ffmpeg/queue/size"),
          anonymous.get("/ffmpeg/tasks"), anonymous.get("/ffmpeg/status/x"), anonymous.delete("/ffmpeg/tasks/x"),
          anonymous.get("/ffmpeg/nothing"))) {
        assertError(r, 401, "unauthorized");
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(r.body()).doesNotContain(token);
      }
      assertError(anonymous.get("/ffmpeg/queue/size", "Authorization", "Bearer wrong-token-0123456789abcdef"), 401, "unauthorized");
      assertError(anonymous.get("/ffmpeg/queue/size", "Authorization", "Basic " + token), 401, "unauthorized");
      assertError(anonymous.get("/ffmpeg/queue/size", "Authorization", "Bearer " + token.substring(1)), 401, "unauthorized");
      assertThat(anonymous.get("/health").status()).isEqualTo(200);

      Http authorized = new Http(s.port(), token);
      assertThat(authorized.post("/ffmpeg/register", task).status()).isEqualTo(200);
      assertThat(authorized.get("/ffmpeg/queue/size").json().get("queue_size").asLong()).isEqualTo(1);
      assertThat(anonymous.get("/ffmpeg/queue/size", "Authorization", "bearer " + token).status()).isEqualTo(200);
    }
  }

  @Test
  void without_an_api_token_no_endpoint_asks_for_one() {
    try (FfmpegService s = start(Map.of("NUM_WORKERS", "0"))) {
      Http anonymous = new Http(s.port(), null);
      assertThat(anonymous.post("/ffmpeg/register", task).status()).isEqualTo(200);
      assertThat(anonymous.get("/ffmpeg/queue/size").status()).isEqualTo(200);
      assertThat(anonymous.get("/ffmpeg/tasks").status()).isEqualTo(200);
      assertThat(anonymous.get("/ffmpeg/queue/size", "Authorization", "Bearer anything").status()).isEqualTo(200);
    }
  }

  @Test
  void health_is_ready_only_when_every_check_answers() {
    try (FfmpegQueue queue = FfmpegQueue.builder().workers(0).build();
        ApiServer ok = ApiServer.builder(queue).host("127.0.0.1").port(0)
            .healthCheck(HealthCheck.of("backend", () -> "queue_size " + queue.queueSize())).build().start();
        ApiServer down = ApiServer.builder(queue).host("127.0.0.1").port(0)
            .healthCheck(HealthCheck.of("backend", () -> "fine"))
            .healthCheck(HealthCheck.of("ffmpeg", () -> {
              throw new java.io.IOException("/secret/path/ffmpeg: not found");
            })).build().start()) {
      Http.Response r = new Http(ok.port(), null).get("/health");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().get("status").asText()).isEqualTo("ok");
      assertThat(r.json().at("/checks/backend/status").asText()).isEqualTo("ok");

      Http.Response d = new Http(down.port(), null).get("/health");
      assertThat(d.status()).isEqualTo(503);
      assertThat(d.json().get("status").asText()).isEqualTo("unavailable");
      assertThat(d.json().at("/checks/ffmpeg/status").asText()).isEqualTo("unavailable");
      assertThat(d.json().at("/checks/backend/status").asText()).isEqualTo("ok");
      assertThat(d.body()).as("no internals to anonymous callers").doesNotContain("/secret/path");
    }
  }

  @Test
  void the_service_health_asks_the_backend_and_ffmpeg_when_it_runs_workers() {
    try (FfmpegService s = start(Map.of("NUM_WORKERS", "1"))) {
      Http.Response r = new Http(s.port(), null).get("/health");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json().at("/checks/ffmpeg/detail").asText()).startsWith("ffmpeg version");
      assertThat(r.json().at("/checks/backend/status").asText()).isEqualTo("ok");
      assertThat(r.json().at("/checks/storage/status").asText()).isEqualTo("ok");
      assertThat(r.json().at("/checks/storage/detail").asText()).startsWith("local folder writable, ");
    }
  }

  @Test
  void a_degraded_check_is_shown_with_its_reason_and_leaves_the_service_ready() {
    try (FfmpegQueue queue = FfmpegQueue.builder().workers(0).build();
        ApiServer api = ApiServer.builder(queue).host("127.0.0.1").port(0)
            .healthCheck(HealthCheck.of("backend", () -> "fine"))
            .healthCheck(HealthCheck.of("sandbox", () -> {
              throw new HealthCheck.Degraded("no sandbox (Sandbox.AUTO fell back): bubblewrap is not installed");
            }))
            .healthCheck(HealthCheck.of("storage", () -> {
              throw new HealthCheck.Unavailable("cannot reach the memory backend: down", new IllegalStateException());
            })).build().start()) {
      Http.Response r = new Http(api.port(), null).get("/health");
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.json().at("/checks/sandbox/status").asText()).isEqualTo("degraded");
      assertThat(r.json().at("/checks/sandbox/detail").asText())
          .isEqualTo("no sandbox (Sandbox.AUTO fell back): bubblewrap is not installed");
      assertThat(r.json().at("/checks/storage/detail").asText()).isEqualTo("cannot reach the memory backend: down");
    }
    try (FfmpegQueue queue = FfmpegQueue.builder().workers(0).build();
        ApiServer api = ApiServer.builder(queue).host("127.0.0.1").port(0)
            .healthCheck(HealthCheck.of("sandbox", () -> {
              throw new HealthCheck.Degraded("no sandbox");
            })).build().start()) {
      Http.Response r = new Http(api.port(), null).get("/health");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().get("status").asText()).isEqualTo("degraded");
    }
  }

  @Test
  void the_service_health_shows_the_sandbox_of_its_ffmpeg_runner() {
    // The real runner with SANDBOX=none: the check is there, and ok, as configured.
    try (FfmpegService s = TestService.start(dir, Map.of("NUM_WORKERS", "1", "SANDBOX", "none"), b -> { })) {
      Http.Response r = new Http(s.port(), null).get("/health");
      assertThat(r.json().at("/checks/sandbox/status").asText()).as(r.body()).isEqualTo("ok");
      assertThat(r.json().at("/checks/sandbox/detail").asText()).startsWith("none");
    }
  }

  @Test
  void an_unwritable_output_folder_makes_storage_degraded_without_showing_its_path() throws Exception {
    java.nio.file.Path notAFolder = dir.resolve("gone");
    try (FfmpegService s = start(Map.of("NUM_WORKERS", "1", "OUTPUT_DIR", notAFolder.toString()))) {
      // The folder is replaced by a file after start-up (permissions would not stop root, as CI runs).
      java.nio.file.Files.delete(notAFolder);
      java.nio.file.Files.writeString(notAFolder, "x");
      Http.Response r = new Http(s.port(), null).get("/health");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().get("status").asText()).isEqualTo("degraded");
      assertThat(r.json().at("/checks/storage/status").asText()).isEqualTo("degraded");
      assertThat(r.json().at("/checks/storage/detail").asText()).startsWith("cannot write to the output folder (OUTPUT_DIR)");
      assertThat(r.body()).doesNotContain(notAFolder.toString());
    }
  }

  @Test
  void each_request_gets_one_access_log_line_without_query_body_or_token() {
    List<String> lines = new CopyOnWriteArrayList<>();
    String token = "t0ken-that-must-not-be-logged-42";
    try (FfmpegQueue queue = FfmpegQueue.builder().workers(0).fetcher(FileInputFetcher.allowing(dir)).build();
        ApiServer api = ApiServer.builder(queue).host("127.0.0.1").port(0).apiToken(token)
            .accessLog(lines::add).build().start()) {
      Http http = new Http(api.port(), token);
      assertThat(http.post("/ffmpeg/register", TestService.taskJson(dir, "secret-body.mp4")).status()).isEqualTo(200);
      http.get("/ffmpeg/tasks?status=pending&limit=5");
      new Http(api.port(), null).get("/ffmpeg/queue/size");
      await().atMost(Duration.ofSeconds(5)).until(() -> lines.size() == 3);
      assertThat(lines.get(0)).matches("POST /ffmpeg/register 200 \\d+\\.\\dms");
      assertThat(lines.get(1)).matches("GET /ffmpeg/tasks 200 \\d+\\.\\dms");
      assertThat(lines.get(2)).matches("GET /ffmpeg/queue/size 401 \\d+\\.\\dms");
      assertThat(String.join("\n", lines)).doesNotContain(token).doesNotContain("secret-body").doesNotContain("limit=");
    }
  }

  private static String status(Http http, String id) {
    return http.get("/ffmpeg/status/" + id).json().get("status").asText();
  }

  private static List<String> ids(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.get("tasks").forEach(t -> out.add(t.get("task_id").asText()));
    return out;
  }
}
