package io.ffmpegqueue.amqp;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.ffmpeg.Progress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How an event waits in the backend's message outbox until the broker confirmed it: what the task cannot tell
 * later (which event, when, and a progress event's figures) is written into the delivery's id and target, and
 * the rest of the message is made from the task when it is published again. The id is
 * {@code amqp-event-<type>-<epoch nanoseconds>}, so a task's deliveries sort by time and the same event kept
 * twice is stored once; the target is {@code amqp:event}, with the progress fields as its query for a progress
 * event ({@code amqp:event?fraction=0.5&out_time=12.0&fps=25.0&speed=1.0&eta=12.0}, absent fields left out).
 */
final class KeptEvent {
  static final String PREFIX = "amqp-event-";
  private static final String TARGET = "amqp:event";

  private KeptEvent() {}

  /** The delivery that keeps {@code e}, first due at {@code due}. */
  static WebhookDelivery delivery(TaskEvent e, Instant due) {
    Instant at = e.at();
    String id = PREFIX + e.type().name().toLowerCase(Locale.ROOT) + "-"
        + Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
    return new WebhookDelivery(id, target(e.progress()), WebhookDelivery.State.PENDING, List.of(), due);
  }

  /** Whether a delivery id is a kept event's. */
  static boolean isEvent(String deliveryId) {
    return deliveryId.startsWith(PREFIX);
  }

  /** When the kept event happened, from its delivery id. */
  static Instant at(String deliveryId) {
    long nanos = Long.parseLong(deliveryId.substring(deliveryId.lastIndexOf('-') + 1));
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  /**
   * The kept event again, with {@code task} as it is now.
   *
   * @throws IllegalArgumentException when the delivery is not a kept event's
   */
  static TaskEvent event(Task task, WebhookDelivery d) {
    String id = d.deliveryId();
    if (!isEvent(id) || id.lastIndexOf('-') <= PREFIX.length()) {
      throw new IllegalArgumentException("not a kept event: " + id);
    }
    TaskEvent.Type type = TaskEvent.Type.valueOf(
        id.substring(PREFIX.length(), id.lastIndexOf('-')).toUpperCase(Locale.ROOT));
    return new TaskEvent(type, task, type == TaskEvent.Type.PROGRESS ? progress(d.url()) : null, at(id));
  }

  private static URI target(Progress p) {
    if (p == null) {
      return URI.create(TARGET);
    }
    Map<String, String> q = new LinkedHashMap<>();
    put(q, "fraction", p.fraction());
    put(q, "out_time", p.outTime() == null ? null : p.outTime().toNanos() / 1e9);
    put(q, "fps", p.fps());
    put(q, "speed", p.speed());
    put(q, "eta", p.eta() == null ? null : p.eta().toNanos() / 1e9);
    StringBuilder s = new StringBuilder(TARGET);
    q.forEach((k, v) -> s.append(s.length() == TARGET.length() ? '?' : '&').append(k).append('=').append(v));
    return URI.create(s.toString());
  }

  private static void put(Map<String, String> q, String key, Double value) {
    if (value != null && Double.isFinite(value)) {
      q.put(key, Double.toString(value));
    }
  }

  private static Progress progress(URI target) {
    Map<String, Double> q = new LinkedHashMap<>();
    String text = target.toString(); // an opaque URI has no query of its own
    String query = text.indexOf('?') < 0 ? null : text.substring(text.indexOf('?') + 1);
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          q.put(pair.substring(0, eq), Double.valueOf(pair.substring(eq + 1)));
        }
      }
    }
    return new Progress(q.get("fraction"), duration(q.get("out_time")), q.get("fps"), q.get("speed"),
        duration(q.get("eta")));
  }

  private static Duration duration(Double seconds) {
    return seconds == null ? null : Duration.ofNanos(Math.round(seconds * 1e9));
  }
}
