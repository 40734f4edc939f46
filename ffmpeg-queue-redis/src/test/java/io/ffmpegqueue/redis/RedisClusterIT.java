package io.ffmpegqueue.redis;

import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.testing.QueueBackendContract;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared backend contract, unchanged, on a three-node Redis Cluster ({@code redis-cli --cluster create}):
 * the queue's keys share a hash tag, so every script runs on the node of its slot.
 */
class RedisClusterIT extends QueueBackendContract {
  private static List<TestRedis> nodes;

  @BeforeAll
  static void startCluster() throws Exception {
    nodes = TestRedis.cluster();
  }

  @AfterAll
  static void stopCluster() {
    nodes.forEach(TestRedis::close);
  }

  @Override
  protected QueueBackend createBackend(Limits limits) {
    // Seeded by one node; prefixes land on different nodes' slots.
    return RedisQueueBackend.builder(nodes.get(0).url()).cluster(true).prefix(TestRedis.freshPrefix())
        .capacity(limits.capacity()).retentionAge(limits.retentionAge()).retentionCount(limits.retentionCount())
        .build();
  }

  @Override
  protected boolean keepsMessages() {
    return true;
  }
}
