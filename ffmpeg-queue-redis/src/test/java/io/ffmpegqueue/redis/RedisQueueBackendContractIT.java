package io.ffmpegqueue.redis;

import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.testing.QueueBackendContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared backend contract, unchanged, on a real Redis; each test's backend has its own key prefix. */
class RedisQueueBackendContractIT extends QueueBackendContract {
  @RegisterExtension
  static final TestRedis.PerClass REDIS = new TestRedis.PerClass();

  @Override
  protected QueueBackend createBackend(Limits limits) {
    return REDIS.server().backend().capacity(limits.capacity()).retentionAge(limits.retentionAge())
        .retentionCount(limits.retentionCount()).build();
  }

  @Override
  protected boolean keepsMessages() {
    return true;
  }
}
