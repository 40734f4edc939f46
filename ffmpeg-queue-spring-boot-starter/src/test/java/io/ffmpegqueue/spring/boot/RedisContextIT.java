package io.ffmpegqueue.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.redis.RedisQueueBackend;
import io.ffmpegqueue.spring.boot.test.FakeFfmpegRunnerConfiguration;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * An application with {@code ffmpeg.queue.redis.url} pointing at a real {@code redis-server} (a free loopback
 * port, files in a temporary folder) and ffmpeg-queue-redis on the class path: the queue is on Redis, its tasks
 * are keys there, Actuator's health reports Redis, and the backend is closed with the context.
 */
class RedisContextIT {
  @TempDir
  static Path dir;

  private static TestRedis redis;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = TestRedis.start(dir.resolve("redis"), "--appendonly", "yes", "--appendfsync", "everysec");
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.close();
  }

  @Test
  void with_a_redis_url_the_queue_runs_on_redis_and_health_reports_it() throws Exception {
    Files.createDirectories(dir.resolve("media"));
    Files.write(dir.resolve("media/video.mp4"), new byte[] {1, 2, 3});
    AtomicReference<RedisQueueBackend> backend = new AtomicReference<>();
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(FfmpegQueueAutoConfiguration.class,
            FfmpegQueueHealthAutoConfiguration.class, HealthContributorAutoConfiguration.class,
            HealthEndpointAutoConfiguration.class))
        .withUserConfiguration(FakeFfmpegRunnerConfiguration.class)
        // A DataSource that nothing may use: the Redis URL, not the DataSource, chooses the backend.
        .withBean(DataSource.class, RedisContextIT::unusableDataSource)
        .withPropertyValues("ffmpeg.queue.workers=1",
            "ffmpeg.queue.redis.url=" + redis.url(),
            "ffmpeg.queue.redis.prefix=app",
            "ffmpeg.queue.storage.local.root=" + dir.resolve("outputs"),
            "ffmpeg.queue.workspace-root=" + dir.resolve("work"),
            "ffmpeg.queue.input.allowed-folders=" + dir.resolve("media"))
        .run(context -> {
          assertThat(context).hasSingleBean(RedisQueueBackend.class);
          backend.set(context.getBean(RedisQueueBackend.class));
          Task done = context.getBean(FfmpegQueue.class).submit(TaskRequest.builder()
              .command("-i input.mp4 -vf scale=320:-2 output.mp4")
              .input("input.mp4", dir.resolve("media/video.mp4").toUri())
              .output("output.mp4")
              .build()).completion().get(30, TimeUnit.SECONDS);
          assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
          RedisClient client = RedisClient.create(redis.url());
          try (StatefulRedisConnection<String, String> c = client.connect()) {
            assertThat(c.sync().hget("{app}:t:" + done.id(), "st")).as("the task's hash in Redis")
                .isEqualTo("COMPLETED");
          } finally {
            client.shutdown();
          }
          Health health = (Health) context.getBean(HealthEndpoint.class).healthForPath("ffmpegQueue");
          assertThat(health.getStatus()).isEqualTo(Status.UP);
          assertThat(health.getDetails()).containsEntry("redis", "aof on, appendfsync everysec")
              .containsEntry("completed", 1L);
        });
    assertThat(backend.get().isListening()).as("the backend's connection after the context closed").isFalse();
  }

  private static DataSource unusableDataSource() {
    return (DataSource) Proxy.newProxyInstance(RedisContextIT.class.getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, method, args) -> {
          throw new UnsupportedOperationException("the queue must not use the DataSource: " + method.getName());
        });
  }
}
