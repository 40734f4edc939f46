package io.ffmpegqueue.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.postgres.PostgresQueueBackend;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spring.boot.test.FakeFfmpegRunnerConfiguration;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * An application with a {@code DataSource} on a real PostgreSQL (the embedded binaries, a random loopback port,
 * data in a temporary folder) and ffmpeg-queue-postgres on the class path: the queue is on PostgreSQL without
 * any property saying so, and its tasks are rows in the application's database.
 */
class PostgresContextIT {
  @TempDir
  static Path dir;

  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pgdata")).setCleanDataDirectory(true)
        .setServerConfig("fsync", "off").start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(FfmpegQueueAutoConfiguration.class))
        .withUserConfiguration(FakeFfmpegRunnerConfiguration.class)
        .withBean(DataSource.class, () -> postgres.getPostgresDatabase())
        .withPropertyValues("ffmpeg.queue.workers=1",
            "ffmpeg.queue.storage.local.root=" + dir.resolve("outputs"),
            "ffmpeg.queue.workspace-root=" + dir.resolve("work"),
            "ffmpeg.queue.input.allowed-folders=" + dir.resolve("media"));
  }

  @Test
  void with_a_data_source_the_queue_runs_on_postgres_in_the_app_s_database() throws Exception {
    Files.createDirectories(dir.resolve("media"));
    Files.write(dir.resolve("media/video.mp4"), new byte[] {1, 2, 3});
    runner().withPropertyValues("ffmpeg.queue.postgres.table-prefix=app_ffq_").run(context -> {
      assertThat(context).hasSingleBean(PostgresQueueBackend.class);
      Task done = context.getBean(FfmpegQueue.class).submit(TaskRequest.builder()
          .command("-i input.mp4 -vf scale=320:-2 output.mp4")
          .input("input.mp4", dir.resolve("media/video.mp4").toUri())
          .output("output.mp4")
          .build()).completion().get(30, TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
      try (Connection c = context.getBean(DataSource.class).getConnection();
           Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("SELECT status FROM app_ffq_tasks WHERE id = '" + done.id() + "'")) {
        assertThat(rs.next()).as("the task's row").isTrue();
      }
    });
  }

  @Test
  void backend_memory_keeps_the_queue_off_the_database() {
    runner().withPropertyValues("ffmpeg.queue.backend=memory")
        .run(context -> assertThat(context).hasSingleBean(FfmpegQueue.class).doesNotHaveBean(QueueBackend.class));
  }
}
