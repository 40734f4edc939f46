package io.ffmpegqueue.memory;

import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.spi.DueWebhook;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The in-memory backend's webhook deliveries: stored with a task's end and removed with the task by
 * retention. The pending ones apart, so a look for due deliveries passes over only those. Used under the
 * backend's lock.
 */
final class DeliveryStore {
  private final Map<TaskId, WebhookDelivery> deliveries = new HashMap<>();
  private final Set<TaskId> pending = new LinkedHashSet<>();

  /** Stores the first delivery of a task that ended, unless it has one. */
  void addFirst(TaskId id, URI url, Instant now) {
    if (!deliveries.containsKey(id)) {
      put(id, WebhookDelivery.first(id, url, now));
    }
  }

  /** Replaces a task's delivery; a task pruned meanwhile stays gone, delivery and all. */
  void update(TaskId id, WebhookDelivery d) {
    if (deliveries.containsKey(id)) {
      put(id, d);
    }
  }

  WebhookDelivery find(TaskId id) {
    return deliveries.get(id);
  }

  /** Removes a task's delivery with the task, as PostgreSQL's ON DELETE CASCADE. */
  void remove(TaskId id) {
    if (deliveries.remove(id) != null) {
      pending.remove(id);
    }
  }

  /** Up to {@code limit} pending deliveries due at {@code now}, each held for {@code holdFor}. */
  List<DueWebhook> claimDue(Instant now, Duration holdFor, int limit) {
    List<DueWebhook> due = new ArrayList<>();
    for (TaskId id : pending) {
      if (due.size() >= limit) {
        break;
      }
      WebhookDelivery d = deliveries.get(id);
      if (d.nextAttemptAt() != null && !d.nextAttemptAt().isAfter(now)) {
        WebhookDelivery held = new WebhookDelivery(d.deliveryId(), d.url(), d.state(), d.attempts(), now.plus(holdFor));
        deliveries.put(id, held);
        due.add(new DueWebhook(id, held));
      }
    }
    return due;
  }

  private void put(TaskId id, WebhookDelivery d) {
    deliveries.put(id, d);
    if (d.state() == WebhookDelivery.State.PENDING) {
      pending.add(id);
    } else {
      pending.remove(id);
    }
  }
}
