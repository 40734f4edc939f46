package io.ffmpegqueue.redis;

import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.testing.TaskContinuationContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The continuation contract ({@code Outcome.Await}) on a real Redis; each test's backend has its own key prefix. */
class RedisTaskContinuationIT extends TaskContinuationContract {
  @RegisterExtension
  static final TestRedis.PerClass REDIS = new TestRedis.PerClass();

  @Override
  protected QueueBackend createBackend() {
    return REDIS.server().backend().build();
  }
}
