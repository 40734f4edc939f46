package io.ffmpegqueue.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ffmpegqueue.examples.support.Http;
import io.ffmpegqueue.examples.support.TestService;
import io.ffmpegqueue.testing.FakeFfmpegRunner;
import io.ffmpegqueue.testing.FakeOutcome;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every management endpoint (retry, purge, the search and its pages, attempts, workers, stats, batch
 * registration) against the real service, on the in-memory and the PostgreSQL backend.
 */
class ManagementApiIT {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  static EmbeddedPostgres db;
  static Process redis;
  static int redisPort;

  @TempDir
  Path dir;

  @BeforeAll
  static void startDatabase() throws Exception {
    db = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
  }

  @AfterAll
  static void stopDatabase() throws Exception {
    db.close();
  }

  @BeforeAll
  static void startRedis(@TempDir Path data) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String server = System.getenv().getOrDefault("REDIS_SERVER", "/usr/bin/redis-server");
    redis = new ProcessBuilder(server, "--port", String.valueOf(port), "--bind", "127.0.0.1", "--dir",
        data.toString(), "--save", "", "--appendonly", "no").redirectErrorStream(true)
        .redirectOutput(data.resolve("redis.log").toFile()).start();
    int p = port;
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", p), 200);
        return true;
      } catch (java.io.IOException e) {
        return false;
      }
    });
    redisPort = port;
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.destroy();
    redis.waitFor(20, TimeUnit.SECONDS);
  }

  /** The variables of {@code backend}: for PostgreSQL a new, empty database. */
  private static Map<String, String> backend(String backend, Map<String, String> more) throws Exception {
    Map<String, String> vars = new HashMap<>(more);
    if (backend.equals("postgres")) {
      String name = "mgmt" + DATABASES.incrementAndGet();
      try (Connection c = db.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + name);
      }
      vars.put("QUEUE_BACKEND", "postgres");
      vars.put("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + db.getPort() + "/" + name);
    }
    if (backend.equals("redis")) {
      // Its own database (of Redis's 16) per test, so no test sees another's tasks.
      vars.put("QUEUE_BACKEND", "redis");
      vars.put("REDIS_URL", "redis://127.0.0.1:" + redisPort + "/" + (DATABASES.incrementAndGet() % 15 + 1));
    }
    return vars;
  }

  private String body(String extra) {
    String json = TestService.taskJson(dir, "output.mp4");
    return extra.isEmpty() ? json : json.substring(0, json.length() - 1) + ", " + extra + "}";
  }

  private static JsonNode awaitStatus(Http http, String id, String status) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> http.get("/ffmpeg/tasks/" + id).json().path("status").asText().equals(status));
    return http.get("/ffmpeg/tasks/" + id).json();
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "postgres", "redis"})
  void a_failed_task_retried_runs_again_and_keeps_its_first_series(String backend) throws Exception {
    FakeFfmpegRunner ffmpeg = new FakeFfmpegRunner().enqueue(FakeOutcome.fail(1, "Invalid data found when processing input"));
    try (FfmpegService s = TestService.startWithFakeFfmpeg(dir, backend(backend, Map.of("NUM_WORKERS", "1")), ffmpeg)) {
      Http http = new Http(s.port(), null);
      String id = http.post("/ffmpeg/register", body("\"max_attempts\": 1")).json().get("task_id").asText();
      awaitStatus(http, id, "failed");

      Http.Response retry = http.post("/ffmpeg/tasks/" + id + "/retry", "");
      assertThat(retry.status()).as(retry.body()).isEqualTo(200);
      assertThat(retry.json().get("status").asText()).isEqualTo("pending");
      awaitStatus(http, id, "completed");

      JsonNode attempts = http.get("/ffmpeg/tasks/" + id + "/attempts").json();
      assertThat(attempts.get("series")).hasSize(2);
      assertThat(attempts.at("/series/0/status").asText()).isEqualTo("failed");
      assertThat(attempts.at("/series/0/error/stderr_tail").asText()).contains("Invalid data");
      assertThat(attempts.at("/series/1/status").asText()).isEqualTo("completed");
      assertThat(attempts.at("/series/1/current").asBoolean()).isTrue();

      Http.Response again = http.post("/ffmpeg/tasks/" + id + "/retry", "");
      assertThat(again.status()).isEqualTo(409);
      assertThat(again.json().get("detail").asText()).contains("is completed");
      assertThat(http.post("/ffmpeg/tasks/nope/retry", "").status()).isEqualTo(404);
      assertThat(http.get("/ffmpeg/tasks/" + id + "/retry").status()).isEqualTo(405);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "postgres", "redis"})
  void purge_deletes_a_finished_task_with_its_outputs_and_refuses_a_running_one(String backend) throws Exception {
    FakeFfmpegRunner ffmpeg = new FakeFfmpegRunner();
    try (FfmpegService s = TestService.startWithFakeFfmpeg(dir, backend(backend, Map.of("NUM_WORKERS", "1")), ffmpeg)) {
      Http http = new Http(s.port(), null);
      String id = http.post("/ffmpeg/register", body("")).json().get("task_id").asText();
      JsonNode done = awaitStatus(http, id, "completed");
      Path output = Path.of(URI.create(done.get("output_url").asText()));
      assertThat(output).exists();

      ffmpeg.enqueue(FakeOutcome.hang());
      String running = http.post("/ffmpeg/register", body("")).json().get("task_id").asText();
      awaitStatus(http, running, "running");
      Http.Response refused = http.delete("/ffmpeg/tasks/" + running + "?purge=true");
      assertThat(refused.status()).isEqualTo(409);
      assertThat(refused.json().get("detail").asText()).contains("cancel it first");

      Http.Response purged = http.delete("/ffmpeg/tasks/" + id + "?purge=true");
      assertThat(purged.status()).as(purged.body()).isEqualTo(200);
      assertThat(purged.json().get("outputs_deleted").asBoolean()).isTrue();
      assertThat(output).doesNotExist();
      assertThat(http.get("/ffmpeg/tasks/" + id).status()).isEqualTo(404);
      assertThat(http.delete("/ffmpeg/tasks/" + id + "?purge=true").status()).isEqualTo(404);
      http.delete("/ffmpeg/tasks/" + running);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "postgres", "redis"})
  void search_filters_and_pages_through_tasks_without_skipping_or_repeating_while_more_arrive(String backend)
      throws Exception {
    try (FfmpegService s = TestService.start(dir, backend(backend, Map.of("NUM_WORKERS", "0")), b -> { })) {
      Http http = new Http(s.port(), null);
      Set<String> before = new HashSet<>();
      for (int i = 0; i < 23; i++) {
        String extra = "\"metadata\": {\"batch\": \"one\"}" + (i % 2 == 0 ? ", \"tenant\": \"acme\"" : "");
        before.add(http.post("/ffmpeg/register", body(extra)).json().get("task_id").asText());
      }
      http.post("/ffmpeg/register", TestService.taskJson(dir, "special-name.mp4"));
      assertThat(http.get("/ffmpeg/tasks?tenant=acme&limit=100").json().get("count").asInt()).isEqualTo(12);
      assertThat(http.get("/ffmpeg/tasks?q=SPECIAL-name").json().get("count").asInt()).isEqualTo(1);
      assertThat(http.get("/ffmpeg/tasks?metadata_key=batch&metadata_value=one&limit=100").json().get("count").asInt())
          .isEqualTo(23);
      assertThat(http.get("/ffmpeg/tasks?status=scheduled&cursor=").json().get("count").asInt()).isZero();
      assertThat(http.get("/ffmpeg/tasks?created_to=2000-01-01T00:00:00Z").json().get("count").asInt()).isZero();
      assertThat(http.get("/ffmpeg/tasks?cursor=garbage").json().path("field").asText()).isEqualTo("cursor");
      assertThat(http.get("/ffmpeg/tasks?created_from=yesterday").json().path("field").asText()).isEqualTo("created_from");

      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService ex = Executors.newSingleThreadExecutor();
      try {
        Future<?> inserts = ex.submit(() -> {
          while (!stop.get()) {
            http.post("/ffmpeg/register", body("\"metadata\": {\"batch\": \"one\"}"));
          }
        });
        List<String> seen = new ArrayList<>();
        String cursor = "";
        do {
          JsonNode page = http.get("/ffmpeg/tasks?metadata_key=batch&limit=5&cursor=" + cursor).json();
          page.get("tasks").forEach(t -> seen.add(t.get("task_id").asText()));
          cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        stop.set(true);
        inserts.get();
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(seen.stream().filter(before::contains).toList()).hasSize(before.size());
      } finally {
        stop.set(true);
        ex.shutdownNow();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "postgres", "redis"})
  void workers_stats_and_batch_registration_answer_from_the_backend(String backend) throws Exception {
    FakeFfmpegRunner ffmpeg = new FakeFfmpegRunner();
    try (FfmpegService s = TestService.startWithFakeFfmpeg(dir, backend(backend, Map.of("NUM_WORKERS", "2")), ffmpeg)) {
      Http http = new Http(s.port(), null);
      Http.Response batch = http.post("/ffmpeg/register/batch", "[" + body("") + ", {\"command\": \"\", \"output_filename\": \"o.mp4\"}, "
          + body("\"priority\": 1") + "]");
      assertThat(batch.status()).as(batch.body()).isEqualTo(200);
      JsonNode b = batch.json();
      assertThat(b.get("accepted").asInt()).isEqualTo(2);
      assertThat(b.at("/results/1/field").asText()).isEqualTo("command");
      assertThat(b.at("/results/1/task_id").isMissingNode()).isTrue();
      String first = b.at("/results/0/task_id").asText();
      String last = b.at("/results/2/task_id").asText();
      awaitStatus(http, first, "completed");
      awaitStatus(http, last, "completed");
      assertThat(http.post("/ffmpeg/register/batch", "[]").status()).isEqualTo(400);

      JsonNode stats = http.get("/ffmpeg/stats").json();
      assertThat(stats.at("/counts/completed").asInt()).isEqualTo(2);
      assertThat(stats.get("completed_per_minute")).hasSize(60);
      long total = 0;
      for (JsonNode n : stats.get("completed_per_minute")) {
        total += n.asLong();
      }
      assertThat(total).isEqualTo(2);
      assertThat(stats.get("run_p50_seconds").isNumber()).isTrue();

      JsonNode workers = http.get("/ffmpeg/workers").json();
      assertThat(workers.get("count").asInt()).isEqualTo(1);
      assertThat(workers.at("/workers/0/pid").asLong()).isEqualTo(ProcessHandle.current().pid());
      assertThat(workers.at("/workers/0/workers").asInt()).isEqualTo(2);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "postgres", "redis"})
  void a_task_registered_for_later_is_scheduled_until_then_and_bad_times_name_their_field(String backend)
      throws Exception {
    FakeFfmpegRunner ffmpeg = new FakeFfmpegRunner();
    try (FfmpegService s = TestService.startWithFakeFfmpeg(dir, backend(backend, Map.of("NUM_WORKERS", "1")), ffmpeg)) {
      Http http = new Http(s.port(), null);
      Http.Response later = http.post("/ffmpeg/register", body("\"delay_seconds\": 3600"));
      assertThat(later.status()).as(later.body()).isEqualTo(200);
      String laterId = later.json().get("task_id").asText();
      String soonAt = java.time.Instant.now().plusSeconds(1).toString();
      Http.Response batch = http.post("/ffmpeg/register/batch", "[" + body("\"run_at\": \"" + soonAt + "\"") + ", "
          + body("\"run_at\": \"" + soonAt + "\", \"delay_seconds\": 5") + ", " + body("\"run_at\": \"tomorrow\"")
          + ", " + body("\"delay_seconds\": -1") + ", " + body("\"run_at\": \"2001-01-01T00:00:00Z\"") + "]");
      assertThat(batch.status()).as(batch.body()).isEqualTo(200);
      JsonNode b = batch.json();
      assertThat(b.get("accepted").asInt()).as(batch.body()).isEqualTo(1);
      assertThat(b.at("/results/1/field").asText()).isEqualTo("run_at");
      assertThat(b.at("/results/1/error").toString() + b.at("/results/1/detail")).contains("delay_seconds");
      assertThat(b.at("/results/2/field").asText()).isEqualTo("run_at");
      assertThat(b.at("/results/3/field").asText()).isEqualTo("delay_seconds");
      assertThat(b.at("/results/4/field").asText()).isEqualTo("run_at");
      awaitStatus(http, b.at("/results/0/task_id").asText(), "completed");

      JsonNode waiting = http.get("/ffmpeg/tasks/" + laterId).json();
      assertThat(waiting.get("status").asText()).isEqualTo("pending");
      assertThat(java.time.Instant.parse(waiting.get("run_at").asText()))
          .isAfter(java.time.Instant.now().plusSeconds(3000));
      JsonNode scheduled = http.get("/ffmpeg/tasks?status=scheduled").json();
      assertThat(scheduled.get("count").asInt()).isEqualTo(1);
      assertThat(scheduled.at("/tasks/0/task_id").asText()).isEqualTo(laterId);
      assertThat(http.get("/ffmpeg/stats").json().at("/counts/scheduled").asInt()).isEqualTo(1);
      Http.Response bad = http.post("/ffmpeg/register", body("\"delay_seconds\": \"soon\""));
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.body()).contains("delay_seconds");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory"})
  void the_dashboard_login_sets_an_http_only_cookie_that_the_api_accepts(String backend) throws Exception {
    try (FfmpegService s = TestService.start(dir, backend(backend, Map.of("NUM_WORKERS", "0", "API_TOKEN", "s3cret-dashboard-token")),
        b -> { })) {
      Http anonymous = new Http(s.port(), null);
      assertThat(anonymous.get("/").header("Location")).isEqualTo("/dashboard/");
      assertThat(anonymous.get("/dashboard/").header("Location")).isEqualTo("/dashboard/login");
      assertThat(anonymous.get("/ffmpeg/stats").status()).isEqualTo(401);
      String form = "application/x-www-form-urlencoded";
      assertThat(anonymous.method("POST", "/dashboard/login", "token=wrong", "Content-Type", form).status()).isEqualTo(401);
      Http.Response ok = anonymous.method("POST", "/dashboard/login", "token=s3cret-dashboard-token", "Content-Type", form);
      assertThat(ok.status()).isEqualTo(303);
      String cookie = ok.header("Set-Cookie");
      assertThat(cookie).contains("ffq_token=s3cret-dashboard-token", "HttpOnly", "SameSite=Strict");
      String pair = cookie.split(";")[0];
      assertThat(anonymous.get("/ffmpeg/stats", "Cookie", pair).status()).isEqualTo(200);
      assertThat(anonymous.get("/dashboard/", "Cookie", pair).status()).isEqualTo(200);
      assertThat(anonymous.get("/dashboard/", "Cookie", pair).header("Content-Security-Policy")).contains("default-src 'none'");
      assertThat(anonymous.post("/ffmpeg/tasks/x/retry", "", "Cookie", pair, "Origin", "http://evil.example").status())
          .isEqualTo(403);
      assertThat(anonymous.get("/dashboard/assets/app.js").status()).isEqualTo(200);
      assertThat(Files.exists(dir)).isTrue();
    }
  }
}
