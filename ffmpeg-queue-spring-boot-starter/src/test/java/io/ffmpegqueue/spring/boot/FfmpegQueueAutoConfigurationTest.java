package io.ffmpegqueue.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Submission;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.io.LocalStorage;
import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.micrometer.FfmpegQueueMetrics;
import io.ffmpegqueue.redis.RedisQueueBackend;
import io.ffmpegqueue.s3.S3Storage;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spring.boot.test.FakeFfmpegRunnerConfiguration;
import io.ffmpegqueue.testing.FakeFfmpegRunner;
import io.ffmpegqueue.testing.FakeOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The auto-configuration in real application contexts, with the fake ffmpeg runner. */
class FfmpegQueueAutoConfigurationTest {
  @TempDir
  Path dir;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(FfmpegQueueAutoConfiguration.class,
            FfmpegQueueMetricsAutoConfiguration.class, FfmpegQueueHealthAutoConfiguration.class))
        .withUserConfiguration(FakeFfmpegRunnerConfiguration.class)
        .withPropertyValues(
            "ffmpeg.queue.workers=1",
            "ffmpeg.queue.storage.local.root=" + dir.resolve("outputs"),
            "ffmpeg.queue.workspace-root=" + dir.resolve("work"),
            "ffmpeg.queue.input.allowed-folders=" + dir.resolve("media"));
  }

  private TaskRequest transcode() throws IOException {
    Path media = Files.createDirectories(dir.resolve("media"));
    Files.write(media.resolve("video.mp4"), new byte[] {1, 2, 3});
    return TaskRequest.builder()
        .command("-i input.mp4 -vf scale=320:-2 output.mp4")
        .input("input.mp4", media.resolve("video.mp4").toUri())
        .output("output.mp4")
        .build();
  }

  @Test
  void the_queue_from_properties_runs_a_task_with_the_fake_runner_and_stores_in_the_local_root() throws Exception {
    TaskRequest request = transcode();
    runner().run(context -> {
      assertThat(context).hasSingleBean(FfmpegQueue.class).hasSingleBean(LocalStorage.class)
          .doesNotHaveBean(QueueBackend.class);
      assertThat(context.getBean(LocalStorage.class).root()).isEqualTo(dir.resolve("outputs"));
      Task done = context.getBean(FfmpegQueue.class).submit(request).completion().get(30, TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(Files.exists(dir.resolve("outputs").resolve(done.id().toString()).resolve("output.mp4"))).isTrue();
      assertThat(context.getBean(FakeFfmpegRunner.class).takeCommand().arguments()).contains("scale=320:-2");
    });
  }

  @Test
  void the_application_s_own_beans_win() {
    // No workers: the task stays PENDING on the application's backend, which is all this test looks at.
    Storage own = LocalStorage.at(dir.resolve("own-outputs"));
    runner().withBean("ownStorage", Storage.class, () -> own)
        .withBean(InMemoryQueueBackend.class, InMemoryQueueBackend::create)
        .withPropertyValues("ffmpeg.queue.workers=0").run(context -> {
          assertThat(context).hasSingleBean(Storage.class).hasSingleBean(QueueBackend.class);
          assertThat(context.getBean(Storage.class)).isSameAs(own);
          FfmpegQueue queue = context.getBean(FfmpegQueue.class);
          Submission s = queue.submit(transcode());
          // The queue is on the application's backend.
          assertThat(context.getBean(InMemoryQueueBackend.class).find(s.id())).isPresent();
        });
    runner().withBean("myQueue", FfmpegQueue.class, () -> FfmpegQueue.builder().workers(0).build())
        .run(context -> assertThat(context).hasSingleBean(FfmpegQueue.class).hasBean("myQueue"));
  }

  @Test
  void with_a_meter_registry_the_queue_s_meters_are_bound() {
    runner().withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
      assertThat(context).hasSingleBean(FfmpegQueueMetrics.class);
      context.getBean(FfmpegQueue.class).submit(transcode()).completion().get(30, TimeUnit.SECONDS);
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      await().untilAsserted(() ->
          assertThat(registry.get("ffq.tasks.completed").counter().count()).isEqualTo(1.0));
    });
    runner().run(context -> assertThat(context).doesNotHaveBean(FfmpegQueueMetrics.class));
  }

  @Test
  void actuator_health_shows_the_queue_up_with_its_counts() {
    runner().withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
        HealthEndpointAutoConfiguration.class)).run(context -> {
          assertThat(context).hasSingleBean(FfmpegQueueHealthIndicator.class);
          var health = context.getBean(HealthEndpoint.class).healthForPath("ffmpegQueue");
          assertThat(health.getStatus()).isEqualTo(Status.UP);
        });
    runner().withPropertyValues("management.health.ffmpegqueue.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(FfmpegQueueHealthIndicator.class));
  }

  @Test
  void closing_the_context_lets_the_running_task_finish() throws Exception {
    CompletableFuture<Void> resume = new CompletableFuture<>();
    TaskRequest request = transcode();
    CompletableFuture<Task> completion = new CompletableFuture<>();
    runner().run(context -> {
      context.getBean(FakeFfmpegRunner.class).enqueue(FakeOutcome.succeed().withPauseUntil(resume));
      FfmpegQueue queue = context.getBean(FfmpegQueue.class);
      Submission s = queue.submit(request);
      s.completion().whenComplete((t, e) -> completion.complete(t));
      await().until(() -> queue.find(s.id()).orElseThrow().status() == TaskStatus.RUNNING);
      Thread closer = new Thread(context::close, "context-closer");
      closer.start();
      // The queue has begun to close once it refuses submissions; only then may the running task end.
      await().until(() -> refusesSubmissions(queue, request));
      resume.complete(null);
      closer.join(Duration.ofSeconds(60).toMillis());
      assertThat(closer.isAlive()).isFalse();
    });
    assertThat(completion).isCompleted();
    assertThat(completion.get().status()).isEqualTo(TaskStatus.COMPLETED);
  }

  private static boolean refusesSubmissions(FfmpegQueue queue, TaskRequest request) {
    try {
      queue.submit(request);
      return false;
    } catch (IllegalStateException closed) {
      return true;
    }
  }

  @Test
  void s3_storage_from_properties() {
    runner().withPropertyValues("ffmpeg.queue.storage.type=s3", "ffmpeg.queue.storage.s3.bucket=videos",
        "ffmpeg.queue.storage.s3.prefix=out", "ffmpeg.queue.storage.s3.region=us-east-1",
        "ffmpeg.queue.storage.s3.endpoint=http://127.0.0.1:9", "ffmpeg.queue.storage.s3.path-style-access=true",
        "ffmpeg.queue.storage.s3.access-key-id=id", "ffmpeg.queue.storage.s3.secret-access-key=secret")
        .run(context -> {
          assertThat(context).hasSingleBean(S3Storage.class).doesNotHaveBean(LocalStorage.class);
          assertThat(context.getBean(S3Storage.class).bucket()).isEqualTo("videos");
          assertThat(context.getBean(S3Storage.class).prefix()).isEqualTo("out");
        });
    runner().withPropertyValues("ffmpeg.queue.storage.type=s3").run(context ->
        assertThat(context).getFailure().rootCause().hasMessageContaining("ffmpeg.queue.storage.s3.bucket is required"));
  }

  @Test
  void backend_postgres_without_a_data_source_fails_and_says_what_it_needs() {
    runner().withPropertyValues("ffmpeg.queue.backend=postgres").run(context ->
        assertThat(context).getFailure().rootCause()
            .hasMessageContaining("ffmpeg.queue.backend=postgres needs").hasMessageContaining("DataSource"));
  }

  @Test
  void a_redis_url_without_the_redis_module_fails_and_says_what_it_needs() {
    runner().withClassLoader(new FilteredClassLoader(RedisQueueBackend.class))
        .withPropertyValues("ffmpeg.queue.redis.url=redis://127.0.0.1:9").run(context ->
            assertThat(context).getFailure().rootCause()
                .hasMessageContaining("ffmpeg.queue.redis.url is set").hasMessageContaining("ffmpeg-queue-redis"));
    runner().withPropertyValues("ffmpeg.queue.backend=redis").run(context ->
        assertThat(context).getFailure().rootCause()
            .hasMessageContaining("ffmpeg.queue.backend=redis needs ffmpeg.queue.redis.url"));
  }

  @Test
  void backend_memory_or_the_application_s_own_backend_win_over_a_redis_url_without_connecting() {
    // Nothing listens on port 9: a Redis backend would fail the context at its connection.
    runner().withPropertyValues("ffmpeg.queue.backend=memory", "ffmpeg.queue.redis.url=redis://127.0.0.1:9")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(QueueBackend.class));
    runner().withBean(InMemoryQueueBackend.class, InMemoryQueueBackend::create)
        .withPropertyValues("ffmpeg.queue.redis.url=redis://127.0.0.1:9")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(QueueBackend.class)
            .doesNotHaveBean(RedisQueueBackend.class));
  }
}
