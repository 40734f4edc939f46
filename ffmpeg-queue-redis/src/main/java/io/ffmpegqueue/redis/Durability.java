package io.ffmpegqueue.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.Optional;

/**
 * What the Redis server's persistence settings promise about the queue's tasks if Redis stops, read by
 * {@link RedisQueueBackend#durability()}: with no AOF every change since the last RDB snapshot is lost (tasks
 * submitted and finished meanwhile); with AOF {@code everysec} up to about a second of changes; with AOF
 * {@code always} none that Redis acknowledged.
 *
 * @param aofEnabled whether the server writes an append-only file ({@code appendonly yes})
 * @param appendFsync the AOF's {@code appendfsync} setting ({@code always}, {@code everysec}, {@code no}), or
 *     empty when unknown
 */
public record Durability(boolean aofEnabled, String appendFsync) {
  /** Reads {@code INFO persistence} and {@code CONFIG GET appendfsync} from the server. */
  static Durability read(RedisClusterCommands<String, String> redis) {
    String info = redis.info("persistence");
    String fsync;
    try {
      fsync = redis.configGet("appendfsync").getOrDefault("appendfsync", "");
    } catch (RedisException e) {
      fsync = ""; // managed services (ElastiCache, Memorystore) refuse CONFIG; the AOF flag is in INFO
    }
    return of(info, fsync);
  }

  /** Reads the answer of {@code INFO persistence} and the {@code appendfsync} setting. */
  static Durability of(String infoPersistence, String appendFsync) {
    boolean aof = infoPersistence != null && infoPersistence.lines().anyMatch(l -> l.trim().equals("aof_enabled:1"));
    return new Durability(aof, appendFsync == null ? "" : appendFsync);
  }

  /** A warning for an operator when tasks can be lost, or empty when AOF is on. */
  public Optional<String> warning() {
    if (!aofEnabled) {
      return Optional.of("Redis has no AOF (appendonly no): tasks submitted or finished since its last RDB"
          + " snapshot are lost if it stops; set appendonly yes");
    }
    if (appendFsync.equals("no")) {
      return Optional.of("Redis AOF with appendfsync no: the OS decides when changes reach the disk, so tens of"
          + " seconds of tasks may be lost if the machine stops");
    }
    return Optional.empty();
  }

  /** One line for a health answer: the AOF setting, or the warning. */
  public String summary() {
    return warning().orElse("aof on, appendfsync " + (appendFsync.isEmpty() ? "unknown" : appendFsync));
  }
}
