package io.ffmpegqueue.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.WorkerInfo;
import io.ffmpegqueue.spi.WorkerRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Redis backend's {@link WorkerRegistry}: one hash, {@code {prefix}:workers}, with a JSON entry per worker
 * process, its last heartbeat on the Redis server's clock ({@code TIME}); a read drops the entries unheard for
 * twice its window.
 */
final class RedisWorkers implements WorkerRegistry {
  private final RedisConnection redis;
  private final String key;

  RedisWorkers(RedisConnection redis, String keyPrefix) {
    this.redis = redis;
    this.key = keyPrefix + "workers";
  }

  private Instant now() {
    List<String> t = redis.commands().time();
    return Instant.ofEpochSecond(Long.parseLong(t.get(0)), Long.parseLong(t.get(1)) * 1000);
  }

  @Override
  public void heartbeat(WorkerInfo w) {
    Objects.requireNonNull(w, "worker");
    ObjectNode n = TaskJson.mapper().createObjectNode();
    n.put("host", w.host());
    n.put("pid", w.pid());
    n.put("version", w.version());
    n.put("workers", w.workers());
    n.put("started_at", w.startedAt().toString());
    n.put("last_heartbeat", now().toString());
    n.put("tasks_running", w.tasksRunning());
    redis.commands().hset(key, w.id(), n.toString());
  }

  @Override
  public List<WorkerInfo> live(Duration within) {
    Instant now = now();
    List<WorkerInfo> live = new ArrayList<>();
    for (Map.Entry<String, String> e : redis.commands().hgetall(key).entrySet()) {
      WorkerInfo w = parse(e.getKey(), e.getValue());
      if (w == null || w.lastHeartbeat().isBefore(now.minus(within.multipliedBy(2)))) {
        redis.commands().hdel(key, e.getKey());
      } else if (!w.lastHeartbeat().isBefore(now.minus(within))) {
        live.add(w);
      }
    }
    live.sort(Comparator.comparing(WorkerInfo::id));
    return live;
  }

  private static WorkerInfo parse(String id, String json) {
    try {
      JsonNode n = TaskJson.mapper().readTree(json);
      return new WorkerInfo(id, n.path("host").asText(), n.path("pid").asLong(), n.path("version").asText(),
          n.path("workers").asInt(), Instant.parse(n.path("started_at").asText()),
          Instant.parse(n.path("last_heartbeat").asText()), n.path("tasks_running").asInt());
    } catch (IOException | RuntimeException e) {
      return null; // not an entry this class wrote: dropped
    }
  }

  @Override
  public void remove(String workerId) {
    redis.commands().hdel(key, workerId);
  }
}
