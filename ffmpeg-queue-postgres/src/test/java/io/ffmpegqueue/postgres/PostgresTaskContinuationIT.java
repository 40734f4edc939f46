package io.ffmpegqueue.postgres;

import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.testing.TaskContinuationContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The continuation contract ({@code Outcome.Await}) on a real PostgreSQL; each test gets a new, empty schema. */
class PostgresTaskContinuationIT extends TaskContinuationContract {
  @RegisterExtension
  static final TestDatabase.PerClass DB = new TestDatabase.PerClass(8);

  @Override
  protected QueueBackend createBackend() {
    return PostgresQueueBackend.builder(DB.pool()).schema(TestDatabase.newSchema()).build();
  }
}
