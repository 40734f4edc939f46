package io.ffmpegqueue.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ffmpegqueue.FfmpegQueueException;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.WebhookAttempt;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.redis.Scripts.Script;
import io.ffmpegqueue.spi.DueWebhook;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The queue's webhook deliveries: one hash per task that ended with a webhook URL, {@code P w:<id>}, with
 * {@code url}, {@code st} state, {@code next} the next attempt (microseconds on the server's clock; absent once
 * delivered or failed), {@code att} the attempts (JSON; absent: none yet) and {@code did} the delivery id (absent
 * until an attempt is recorded: it derives from the task id), and the sorted set {@code P wdue} of the PENDING
 * ones by next attempt. The scripts that end a task store its delivery ({@code store_webhook} in lib.lua) and
 * prune removes it with the task; this class reads, claims and updates them.
 *
 * <p>Times the caller gives (a claim's now, an update's next attempt) carry over to the server's clock as their
 * distance from {@code clock}'s now, as a retry's time does, so every process judges holds on one clock.
 */
final class WebhookDeliveries {
  private final RedisClusterCommands<String, String> redis;
  private final Scripts scripts;
  private final String keyPrefix;
  private final InstantSource clock;

  WebhookDeliveries(RedisClusterCommands<String, String> redis, Scripts scripts, String keyPrefix,
      InstantSource clock) {
    this.redis = redis;
    this.scripts = scripts;
    this.keyPrefix = keyPrefix;
    this.clock = clock;
  }

  Optional<WebhookDelivery> find(TaskId id) {
    Map<String, String> h = redis.hgetall(keyPrefix + "w:" + id.value());
    return h == null || h.isEmpty() ? Optional.empty() : Optional.of(delivery(id, h));
  }

  List<DueWebhook> claimDue(Instant now, Duration holdFor, int limit) {
    List<?> r = scripts.list(Script.WEBHOOK_CLAIM, distance(now), TaskHashes.micros(Instant.EPOCH.plus(holdFor)),
        limit);
    List<DueWebhook> due = new ArrayList<>(r.size());
    for (Object o : r) {
      List<?> pair = (List<?>) o;
      TaskId id = TaskId.of((String) pair.get(0));
      due.add(new DueWebhook(id, delivery(id, TaskHashes.fields(pair.get(1)))));
    }
    return due;
  }

  /** Replaces the task's delivery; {@code false}, writing nothing, when it has none (it was pruned). */
  boolean update(TaskId id, WebhookDelivery d) {
    Instant next = d.nextAttemptAt();
    return 1 == scripts.number(Script.WEBHOOK_UPDATE, id.value(), d.deliveryId(), d.url(), d.state().name(),
        attemptsJson(d.attempts()), next == null ? "" : distance(next));
  }

  // How far `at` is from the backend clock's now, in microseconds: what carries over to the server's clock.
  private long distance(Instant at) {
    return TaskHashes.micros(at) - TaskHashes.micros(clock.instant());
  }

  private static WebhookDelivery delivery(TaskId id, Map<String, String> h) {
    String did = h.get("did");
    String att = h.get("att");
    return new WebhookDelivery(did == null ? WebhookDelivery.deliveryIdOf(id) : did, URI.create(h.get("url")),
        WebhookDelivery.State.valueOf(h.get("st")), att == null ? List.of() : attempts(id, att),
        TaskHashes.instant(h.get("next")));
  }

  static String attemptsJson(List<WebhookAttempt> attempts) {
    ArrayNode a = TaskJson.mapper().createArrayNode();
    for (WebhookAttempt w : attempts) {
      ObjectNode n = a.addObject();
      n.put("at", w.at().toString());
      n.put("status_code", w.statusCode());
      n.put("error", w.error());
    }
    return a.toString();
  }

  static List<WebhookAttempt> attempts(TaskId id, String json) {
    try {
      List<WebhookAttempt> out = new ArrayList<>();
      for (JsonNode n : TaskJson.mapper().readTree(json)) {
        JsonNode code = n.get("status_code");
        JsonNode error = n.get("error");
        out.add(new WebhookAttempt(Instant.parse(n.path("at").asText()),
            code == null || !code.isNumber() ? null : code.asInt(),
            error == null || error.isNull() ? null : error.asText()));
      }
      return out;
    } catch (JsonProcessingException | RuntimeException e) {
      throw new FfmpegQueueException("Redis: the webhook delivery of task " + id + " does not hold attempts JSON ("
          + e + ")", e);
    }
  }
}
