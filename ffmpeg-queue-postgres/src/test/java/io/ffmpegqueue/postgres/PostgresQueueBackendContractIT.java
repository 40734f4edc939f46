package io.ffmpegqueue.postgres;

import com.zaxxer.hikari.HikariDataSource;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.testing.QueueBackendContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared backend contract, on a real PostgreSQL; each test gets a new, empty schema. */
class PostgresQueueBackendContractIT extends QueueBackendContract {
  private static TestDatabase db;
  private static HikariDataSource pool;

  @BeforeAll
  static void startDatabase() {
    db = TestDatabase.start();
    pool = db.pool(16);
  }

  @AfterAll
  static void stopDatabase() throws Exception {
    db.close();
  }

  @Override
  protected QueueBackend createBackend(Limits limits) {
    return PostgresQueueBackend.builder(pool)
        .schema(TestDatabase.newSchema())
        .capacity(limits.capacity())
        .retentionAge(limits.retentionAge())
        .retentionCount(limits.retentionCount())
        .build();
  }
}
