package io.ffmpegqueue.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Submission;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.io.FileInputFetcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The uses that docs/postgres.md shows, compiled and run. */
class PostgresUsageIT {
  private static TestDatabase db;

  @TempDir
  Path dir;

  @BeforeAll
  static void startDatabase() {
    db = TestDatabase.start();
  }

  @AfterAll
  static void stopDatabase() throws Exception {
    db.close();
  }

  private TaskRequest request() throws Exception {
    Path input = Files.writeString(dir.resolve("input.mp4"), "x");
    return TaskRequest.builder().command("-i input.mp4 output.mp4").input("input.mp4", input.toUri()).output("output.mp4").build();
  }

  @Test
  void a_queue_made_from_a_database_url_runs_tasks() throws Exception {
    String databaseUrl = "postgresql://postgres@127.0.0.1:" + db.port() + "/postgres";
    int workers = 2;
    // sample:wiring
    DatabaseUrl url = DatabaseUrl.parse(databaseUrl); // postgresql://user:pass@host:5432/db or jdbc:postgresql://...
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url.jdbcUrl());
    config.setUsername(url.user());
    config.setPassword(url.password());
    config.setMaximumPoolSize(workers + 4);
    HikariDataSource dataSource = new HikariDataSource(config);
    PostgresQueueBackend backend = PostgresQueueBackend.builder(dataSource).build(); // migrates, starts listening
    // end-sample
    try (dataSource; backend;
         FfmpegQueue queue = FfmpegQueue.builder().backend(backend).workers(workers)
             .fetcher(FileInputFetcher.allowing(dir)).handler(ctx -> List.of()).build()) {
      Task done = queue.submit(request()).completion().get(10, TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
    }
  }

  @Test
  void a_task_submitted_in_the_hosts_transaction_is_there_once_the_host_commits() throws Exception {
    HikariDataSource dataSource = db.pool(4);
    TaskRequest request = request();
    try (PostgresQueueBackend backend = PostgresQueueBackend.builder(dataSource).schema(TestDatabase.newSchema()).build();
         FfmpegQueue queue = FfmpegQueue.builder().backend(backend).workers(0).fetcher(FileInputFetcher.allowing(dir)).build();
         Connection connection = dataSource.getConnection()) {
      // sample:transactional
      connection.setAutoCommit(false);
      insertOrder(connection, "order-42");
      Submission s = backend.inTransaction(connection, () -> queue.submit(request)); // validated as usual
      connection.commit(); // the task exists from now on; a rollback instead leaves nothing
      // end-sample
      connection.setAutoCommit(true);
      assertThat(queue.find(s.id())).map(Task::status).contains(TaskStatus.PENDING);
    }
  }

  private static void insertOrder(Connection c, String id) throws Exception {
    try (PreparedStatement ps = c.prepareStatement("CREATE TEMP TABLE IF NOT EXISTS orders (id text)")) {
      ps.execute();
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders VALUES (?)")) {
      ps.setString(1, id);
      ps.execute();
    }
  }
}
