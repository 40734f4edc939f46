package io.ffmpegqueue.postgres;

import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.testing.QueueBackendContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared backend contract, on a real PostgreSQL; each test gets a new, empty schema. */
class PostgresQueueBackendContractIT extends QueueBackendContract {
  @RegisterExtension
  static final TestDatabase.PerClass DB = new TestDatabase.PerClass(16);

  @Override
  protected QueueBackend createBackend(Limits limits) {
    return PostgresQueueBackend.builder(DB.pool())
        .schema(TestDatabase.newSchema())
        .capacity(limits.capacity())
        .retentionAge(limits.retentionAge())
        .retentionCount(limits.retentionCount())
        .build();
  }

  @Override
  protected boolean keepsMessages() {
    return true;
  }
}
