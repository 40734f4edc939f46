package io.ffmpegqueue.amqp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskListener;
import com.rabbitmq.client.AMQP;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Answers Celery clients as Celery's {@code rpc://} result backend does: a JSON message
 * {@code {task_id, status, result, traceback, children, date_done}} to the task message's {@code reply_to}
 * queue with its {@code correlation_id}. {@code STARTED} when a worker takes the task, {@code SUCCESS} with the
 * final task JSON, {@code FAILURE} with an exception the client raises ({@code FfmpegTaskError} carrying the
 * error message) and {@code REVOKED} with Celery's {@code TaskRevokedError} for a cancelled task.
 *
 * <p>Where to answer rides in the task's metadata ({@value #ID_KEY}, {@value #REPLY_TO_KEY},
 * {@value #CORRELATION_KEY}), so the process whose worker ends the task answers, whichever process took the
 * message.
 */
final class CeleryReplies implements TaskListener {
  /** The metadata entry with the Celery task id. */
  static final String ID_KEY = "celery_task_id";
  /** The metadata entry with the queue the client waits on. */
  static final String REPLY_TO_KEY = "celery_reply_to";
  /** The metadata entry with the correlation id, when it is not the task id. */
  static final String CORRELATION_KEY = "celery_correlation_id";

  private final ConfirmedPublisher publisher;
  private final String hostname;

  CeleryReplies(ConfirmedPublisher publisher) {
    this.publisher = publisher;
    this.hostname = ManagementFactory.getRuntimeMXBean().getName();
  }

  @Override
  public void onEvent(TaskEvent e) {
    publish(e);
  }

  /**
   * Answers the client of the event's task, if this process made the event; the future completes once the
   * broker confirmed the answer (at once when there is none to send).
   */
  CompletableFuture<Void> publish(TaskEvent e) {
    if (e.remote()) {
      return CompletableFuture.completedFuture(null);
    }
    return switch (e.type()) {
      case STARTED, COMPLETED, FAILED, CANCELLED -> answer(e.task(), e.at());
      default -> CompletableFuture.completedFuture(null);
    };
  }

  /**
   * Sends the state of {@code task} to its Celery client, if it came from one that waits for results; the
   * future completes once the broker confirmed it (at once when there is none to send).
   */
  CompletableFuture<Void> answer(Task task, Instant at) {
    Map<String, String> meta = task.request().metadata();
    String id = meta.get(ID_KEY);
    String replyTo = meta.get(REPLY_TO_KEY);
    if (id == null || replyTo == null) {
      return CompletableFuture.completedFuture(null);
    }
    ObjectNode n = TaskJson.mapper().createObjectNode();
    n.put("task_id", id);
    switch (task.status()) {
      case RUNNING -> {
        n.put("status", "STARTED");
        ObjectNode r = n.putObject("result");
        r.put("pid", ProcessHandle.current().pid());
        r.put("hostname", hostname);
      }
      case COMPLETED -> {
        n.put("status", "SUCCESS");
        n.set("result", TaskJson.toJson(task));
      }
      case FAILED -> {
        n.put("status", "FAILURE");
        n.set("result", exception("FfmpegTaskError", null, task.errorMessage() == null ? "task failed"
            : task.errorMessage()));
      }
      case CANCELLED -> {
        n.put("status", "REVOKED");
        n.set("result", exception("TaskRevokedError", "celery.exceptions",
            "task " + task.id() + " was cancelled"));
      }
      default -> {
        return CompletableFuture.completedFuture(null);
      }
    }
    n.putNull("traceback");
    n.putArray("children");
    n.put("date_done", task.status().isFinal() ? at.toString() : null);
    return publish(replyTo, meta.getOrDefault(CORRELATION_KEY, id), n);
  }

  /** Sends a failure for a message that never became a task. */
  void refuse(String id, String replyTo, String correlationId, String reason) {
    ObjectNode n = TaskJson.mapper().createObjectNode();
    n.put("task_id", id);
    n.put("status", "FAILURE");
    n.set("result", exception("InvalidTaskError", null, reason));
    n.putNull("traceback");
    n.putArray("children");
    n.putNull("date_done");
    publish(replyTo, correlationId, n);
  }

  private static JsonNode exception(String type, String module, String message) {
    ObjectNode x = TaskJson.mapper().createObjectNode();
    x.put("exc_type", type);
    x.putArray("exc_message").add(message);
    x.put("exc_module", module);
    return x;
  }

  private CompletableFuture<Void> publish(String replyTo, String correlationId, ObjectNode body) {
    byte[] bytes;
    try {
      bytes = TaskJson.mapper().writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a Celery result", e);
    }
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
        .contentType("application/json")
        .contentEncoding("utf-8")
        .correlationId(correlationId)
        .deliveryMode(1) // the client's reply queue is not durable either
        .build();
    // The default exchange routes to the reply queue by name; a client that is gone leaves nothing behind.
    return publisher.publish(ConfirmedPublisher.Message.toReplyQueue(replyTo, props, bytes));
  }
}
