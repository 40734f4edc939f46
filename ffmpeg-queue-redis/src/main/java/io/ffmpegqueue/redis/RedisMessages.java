package io.ffmpegqueue.redis;

import static io.ffmpegqueue.redis.RedisCalls.call;

import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.redis.Scripts.Script;
import io.ffmpegqueue.spi.DueWebhook;
import io.ffmpegqueue.spi.MessageOutbox;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The tasks' messages to other systems: one hash per delivery, {@code P m:<id>|<delivery id>}, with {@code url}
 * its target, {@code att} its attempts (JSON) and {@code next} when it is due (microseconds on the server's
 * clock); the sorted set {@code P mdue} of {@code <id>|<delivery id>} by due time, and the set {@code P ms:<id>}
 * of a task's delivery ids, so that removing the task ({@code remove-lib.lua}) removes them too. Times carry
 * over to the server's clock as their distance from {@code clock}'s now, as for webhook deliveries.
 */
final class RedisMessages implements MessageOutbox {
  private final Scripts scripts;
  private final InstantSource clock;

  RedisMessages(Scripts scripts, InstantSource clock) {
    this.scripts = scripts;
    this.clock = clock;
  }

  @Override
  public boolean addMessage(TaskId id, WebhookDelivery d) {
    Objects.requireNonNull(d.nextAttemptAt(), "nextAttemptAt");
    return 1 == call("keep a message of task " + id, () -> scripts.number(Script.MESSAGE_ADD, id.value(),
        d.deliveryId(), d.url().toString(), WebhookDeliveries.attemptsJson(d.attempts()),
        distance(d.nextAttemptAt())));
  }

  @Override
  public List<DueWebhook> claimDueMessages(Instant now, Duration holdFor, int limit) {
    List<?> r = call("claim due messages", () -> scripts.list(Script.MESSAGE_CLAIM, distance(now),
        TaskHashes.micros(Instant.EPOCH.plus(holdFor)), limit));
    List<DueWebhook> due = new ArrayList<>(r.size());
    for (Object o : r) {
      List<?> triple = (List<?>) o;
      TaskId id = TaskId.of((String) triple.get(0));
      Map<String, String> h = TaskHashes.fields(triple.get(2));
      String att = h.get("att");
      due.add(new DueWebhook(id, new WebhookDelivery((String) triple.get(1), URI.create(h.get("url")),
          WebhookDelivery.State.PENDING, att == null ? List.of() : WebhookDeliveries.attempts(id, att),
          TaskHashes.instant(h.get("next")))));
    }
    return due;
  }

  @Override
  public void updateMessage(TaskId id, WebhookDelivery d) {
    Objects.requireNonNull(d.nextAttemptAt(), "nextAttemptAt");
    call("reschedule a message of task " + id, () -> scripts.number(Script.MESSAGE_UPDATE, id.value(),
        d.deliveryId(), d.url().toString(), WebhookDeliveries.attemptsJson(d.attempts()),
        distance(d.nextAttemptAt())));
  }

  @Override
  public void removeMessage(TaskId id, String deliveryId) {
    call("remove a sent message of task " + id, () -> scripts.number(Script.MESSAGE_REMOVE, id.value(), deliveryId));
  }

  private long distance(Instant at) {
    return TaskHashes.micros(at) - TaskHashes.micros(clock.instant());
  }
}
