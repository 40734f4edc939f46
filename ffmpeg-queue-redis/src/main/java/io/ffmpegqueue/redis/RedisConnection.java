package io.ffmpegqueue.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.List;

/**
 * A backend's two connections to Redis, standalone or cluster: one for commands, which Lettuce shares between
 * threads by pipelining their commands, and one subscribed to the queue's channel. Both reconnect by
 * themselves (commands sent meanwhile wait, up to the command timeout, and go once it is back).
 */
final class RedisConnection implements AutoCloseable {
  private final AbstractRedisClient client;
  private final StatefulConnection<String, String> connection;
  private final RedisClusterCommands<String, String> commands;
  private final StatefulRedisPubSubConnection<String, String> pubSub;

  private RedisConnection(AbstractRedisClient client, StatefulConnection<String, String> connection,
      RedisClusterCommands<String, String> commands, StatefulRedisPubSubConnection<String, String> pubSub) {
    this.client = client;
    this.connection = connection;
    this.commands = commands;
    this.pubSub = pubSub;
  }

  /** Connects to one server, or to a cluster that {@code uris} are seeds of. */
  static RedisConnection open(List<RedisURI> uris, boolean cluster) {
    if (cluster) {
      RedisClusterClient c = RedisClusterClient.create(uris);
      try {
        c.setOptions(ClusterClientOptions.builder().autoReconnect(true).build());
        StatefulRedisClusterConnection<String, String> conn = c.connect(StringCodec.UTF8);
        return new RedisConnection(c, conn, conn.sync(), c.connectPubSub(StringCodec.UTF8));
      } catch (RuntimeException e) {
        c.shutdown();
        throw e;
      }
    }
    RedisClient c = RedisClient.create(uris.get(0));
    try {
      c.setOptions(ClientOptions.builder().autoReconnect(true).build());
      StatefulRedisConnection<String, String> conn = c.connect(StringCodec.UTF8);
      return new RedisConnection(c, conn, conn.sync(), c.connectPubSub(StringCodec.UTF8));
    } catch (RuntimeException e) {
      c.shutdown();
      throw e;
    }
  }

  RedisClusterCommands<String, String> commands() {
    return commands;
  }

  StatefulRedisPubSubConnection<String, String> pubSub() {
    return pubSub;
  }

  /** Whether the subscribed connection is up now (notices arrive). */
  boolean listening() {
    return pubSub.isOpen();
  }

  @Override
  public void close() {
    try {
      pubSub.close();
      connection.close();
    } finally {
      client.shutdown();
    }
  }
}
