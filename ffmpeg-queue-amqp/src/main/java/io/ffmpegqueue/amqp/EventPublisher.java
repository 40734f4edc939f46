package io.ffmpegqueue.amqp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskListener;
import io.ffmpegqueue.ffmpeg.Progress;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes each event this process made on the events exchange: routing key {@code task.} and the type in
 * lower case ({@code task.completed}), body the task JSON plus {@code event}, {@code event_at} and, for
 * progress, the progress fields. Events another process made are that process's to publish.
 */
final class EventPublisher implements TaskListener {
  private final ConfirmedPublisher publisher;
  private final String exchange;

  EventPublisher(ConfirmedPublisher publisher, String exchange) {
    this.publisher = publisher;
    this.exchange = exchange;
  }

  /** The routing key of an event type: {@code task.completed}, {@code task.retry_scheduled}, ... */
  static String routingKey(TaskEvent.Type type) {
    return "task." + type.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void onEvent(TaskEvent e) {
    publish(e);
  }

  /**
   * Publishes the event if this process made it; the future completes once the broker confirmed it (at once
   * when it is another process's to publish).
   */
  CompletableFuture<Void> publish(TaskEvent e) {
    if (e.remote()) {
      return CompletableFuture.completedFuture(null);
    }
    ObjectNode n = TaskJson.toJson(e.task());
    n.put("event", e.type().name().toLowerCase(Locale.ROOT));
    n.put("event_at", e.at().toString());
    Progress p = e.progress();
    if (p != null) {
      n.put("progress", p.fraction());
      n.put("out_time_seconds", p.outTime().toMillis() / 1000.0);
      n.put("fps", p.fps());
      n.put("speed", p.speed());
      if (p.eta() == null) {
        n.putNull("eta_seconds");
      } else {
        n.put("eta_seconds", p.eta().toMillis() / 1000.0);
      }
    }
    byte[] body;
    try {
      body = TaskJson.mapper().writeValueAsBytes(n);
    } catch (JsonProcessingException x) {
      throw new IllegalStateException("cannot write the event of task " + e.taskId(), x);
    }
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
        .contentType("application/json")
        .contentEncoding("utf-8")
        .deliveryMode(2)
        .messageId(e.taskId().value() + ":" + n.get("event").asText() + ":" + e.at().toEpochMilli())
        .type(n.get("event").asText())
        .timestamp(java.util.Date.from(e.at()))
        .build();
    return publisher.publish(new ConfirmedPublisher.Message(exchange, routingKey(e.type()), props, body));
  }
}
