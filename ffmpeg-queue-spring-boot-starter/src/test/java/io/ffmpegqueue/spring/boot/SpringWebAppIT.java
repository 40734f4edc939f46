package io.ffmpegqueue.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spring.boot.test.AutoConfigureFakeFfmpegRunner;
import io.ffmpegqueue.spring.boot.webapp.VideoApplication;
import io.ffmpegqueue.testing.FakeFfmpegRunner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Spring Boot web application on a real embedded server (a random loopback port) with the starter: a task
 * registered over the application's own controller runs on the auto-configured queue (with the fake ffmpeg),
 * and Actuator's health endpoint shows the queue.
 */
// sample:spring-test
@SpringBootTest(classes = VideoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"server.address=127.0.0.1", "management.endpoint.health.show-components=always"})
@AutoConfigureFakeFfmpegRunner  // the queue runs the testing kit's FakeFfmpegRunner, not ffmpeg
class SpringWebAppIT {
  @Autowired
  FakeFfmpegRunner ffmpeg;  // script outcomes, read the commands tasks ran

  @Autowired
  FfmpegQueue queue;
  // end-sample

  @LocalServerPort
  int port;

  @TempDir
  static Path dir;

  @DynamicPropertySource
  static void folders(DynamicPropertyRegistry registry) {
    registry.add("app.uploads", () -> dir.resolve("uploads").toString());
    registry.add("ffmpeg.queue.input.allowed-folders", () -> dir.resolve("uploads").toString());
    registry.add("ffmpeg.queue.storage.local.root", () -> dir.resolve("outputs").toString());
    registry.add("ffmpeg.queue.workspace-root", () -> dir.resolve("work").toString());
    registry.add("ffmpeg.queue.workers", () -> "1");
  }

  @BeforeAll
  static void upload() throws Exception {
    Files.createDirectories(dir.resolve("uploads"));
    Files.write(dir.resolve("uploads/cat.mp4"), new byte[] {1, 2, 3});
  }

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void a_task_registered_over_the_app_s_controller_runs_on_the_auto_configured_queue() throws Exception {
    HttpResponse<String> created = http.send(HttpRequest.newBuilder(uri("/videos/cat.mp4/thumbnail"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).isEqualTo(200);

    TaskId id = TaskId.of(created.body());
    assertThat(ffmpeg.takeCommand().arguments()).contains("thumbnail,scale=320:-2");
    await().until(() -> queue.find(id).orElseThrow().status() == TaskStatus.COMPLETED);
    assertThat(dir.resolve("outputs").resolve(id.toString()).resolve("thumb.jpg")).isRegularFile();
  }

  @Test
  void actuator_health_shows_the_queue() throws Exception {
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(uri("/actuator/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"ffmpegQueue\":{\"status\":\"UP\"");
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }
}
