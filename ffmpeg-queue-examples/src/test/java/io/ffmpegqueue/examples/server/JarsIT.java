package io.ffmpegqueue.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.examples.support.Http;
import io.ffmpegqueue.examples.support.TestFfmpeg;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jars as a user runs them: {@code java -jar} in a fresh folder, configured by environment
 * variables, stopped with SIGTERM.
 */
class JarsIT {
  private static final Path TARGET = Path.of("target");

  @TempDir
  Path dir;

  private Process start(String jar, Map<String, String> env, String... args) throws IOException {
    Path jarPath = TARGET.resolve(jar).toAbsolutePath();
    assertThat(jarPath).as("built by the package phase").exists();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", jarPath.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("out.log").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("QUEUE_") || k.startsWith("NUM_") || k.equals("PORT")
        || k.equals("API_TOKEN") || k.startsWith("S3_") || k.startsWith("AWS_"));
    pb.environment().putAll(env);
    return pb.start();
  }

  private String output() throws IOException {
    return Files.readString(dir.resolve("out.log"), StandardCharsets.UTF_8);
  }

  @Test
  void the_server_jar_bundles_ffmpeg_and_ffprobe_for_linux_on_x86_64_and_arm64() throws Exception {
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(TARGET.resolve("ffmpeg-queue-server.jar").toFile())) {
      for (String platform : List.of("linux-x86_64", "linux-arm64")) {
        for (String program : List.of("ffmpeg", "ffprobe")) {
          assertThat(jar.getEntry("org/bytedeco/ffmpeg/" + platform + "-gpl/" + program)).as(platform + " " + program)
              .isNotNull();
        }
        assertThat(jar.getEntry("org/bytedeco/javacpp/" + platform + "/")).as(platform + " javacpp").isNotNull();
      }
    }
  }

  @Test
  void the_worker_jar_refuses_the_in_memory_backend_and_says_why() throws Exception {
    Process p = start("ffmpeg-queue-worker.jar", Map.of(), "--num-workers", "2");
    try {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(2);
      assertThat(output()).contains("QUEUE_BACKEND").contains("memory").contains("another process")
          .contains("shared backend").doesNotContain("Exception");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void the_server_jar_refuses_an_invalid_variable_naming_it() throws Exception {
    Process p = start("ffmpeg-queue-server.jar", Map.of("NUM_WORKERS", "many"));
    try {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(2);
      assertThat(output()).contains("NUM_WORKERS").contains("many").doesNotContain("Exception");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void the_server_jar_refuses_an_output_dir_it_cannot_create_naming_it() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "not a folder");
    Process p = start("ffmpeg-queue-server.jar", Map.of("OUTPUT_DIR", file.resolve("outputs").toString(), "PORT", "0"));
    try {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(2);
      assertThat(output()).contains("OUTPUT_DIR").contains(file.resolve("outputs").toString())
          .doesNotContain("\tat ");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void the_server_jar_reads_a_dot_env_file_answers_the_api_and_stops_on_sigterm() throws Exception {
    int port = freePort();
    // The environment wins over .env: NUM_WORKERS from .env, PORT from the environment.
    Files.writeString(dir.resolve(".env"), "# test\nNUM_WORKERS=0\nPORT=1\nHOST=127.0.0.1\n");
    Process p = start("ffmpeg-queue-server.jar", Map.of("PORT", Integer.toString(port)));
    try {
      Http http = new Http(port, null);
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> http.get("/health").status() == 200);
      Http.Response r = http.post("/ffmpeg/register", "{\"command\": \"-f lavfi -i testsrc out.mp4\", \"output_filename\": \"out.mp4\"}");
      assertThat(r.status()).isEqualTo(200);
      assertThat(http.get("/ffmpeg/queue/size").json().get("queue_size").asInt()).isEqualTo(1);
      p.destroy(); // SIGTERM
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(143);
      assertThat(output()).contains("listening on http://127.0.0.1:" + port).contains("workers: 0")
          .contains("POST /ffmpeg/register 200").contains("stopped");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void the_server_jar_on_its_defaults_runs_a_task_with_the_bundled_ffmpeg() throws Exception {
    int port = freePort();
    Path media = Files.createDirectories(dir.resolve("media"));
    TestFfmpeg.makeClip(media.resolve("input.mp4"), 1);
    Process p = start("ffmpeg-queue-server.jar", Map.of("PORT", Integer.toString(port), "HOST", "127.0.0.1",
        "INPUT_ALLOWED_DIRS", media.toString()));
    try {
      Http http = new Http(port, null);
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> http.get("/health").status() == 200);
      String id = http.post("/ffmpeg/register", "{\"command\": \"-i input.mp4 -vf scale=160:-2 -c:v libx264 "
          + "-preset ultrafast output.mp4\", \"input_files\": {\"input.mp4\": \"" + media.resolve("input.mp4").toUri()
          + "\"}, \"output_filename\": \"output.mp4\"}").json().get("task_id").asText();
      await().atMost(Duration.ofSeconds(60)).until(() -> List.of("completed", "failed")
          .contains(http.get("/ffmpeg/status/" + id).json().get("status").asText()));
      assertThat(http.get("/ffmpeg/status/" + id).json().get("status").asText()).isEqualTo("completed");
      assertThat(dir.resolve("ffmpeg-outputs").resolve(id).resolve("output.mp4")).isNotEmptyFile();

      // SIGTERM while a task runs: it finishes (DRAIN_TIMEOUT 30 s) before the process ends.
      String slow = http.post("/ffmpeg/register", "{\"command\": \"-re -i input.mp4 -c:v libx264 -preset ultrafast "
          + "output.mp4\", \"input_files\": {\"input.mp4\": \"" + media.resolve("input.mp4").toUri()
          + "\"}, \"output_filename\": \"output.mp4\"}").json().get("task_id").asText();
      await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/ffmpeg/status/" + slow).json().get("status").asText()
          .equals("running"));
      p.destroy();
      assertThat(p.waitFor(40, TimeUnit.SECONDS)).isTrue();
      assertThat(dir.resolve("ffmpeg-outputs").resolve(slow).resolve("output.mp4")).isNotEmptyFile();
    } finally {
      p.destroyForcibly();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
