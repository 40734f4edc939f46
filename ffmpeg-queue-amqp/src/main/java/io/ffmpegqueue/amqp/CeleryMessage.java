package io.ffmpegqueue.amqp;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import io.ffmpegqueue.TaskJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * A Celery task message, protocol version 2, JSON serializer: the task's name and id in the headers
 * ({@code task}, {@code id}), the body {@code [args, kwargs, embed]}, and the {@code reply_to} and
 * {@code correlation_id} properties the {@code rpc://} result backend answers to.
 *
 * @param id the Celery task id
 * @param name the Celery task name
 * @param replyTo the queue the client waits for results on, or {@code null} (no result backend)
 * @param correlationId the property the client matches results by (the task id unless set otherwise)
 * @param fields the register fields: the kwargs, or the one positional argument when it is an object
 */
record CeleryMessage(String id, String name, String replyTo, String correlationId, JsonNode fields) {

  /**
   * Reads a delivery.
   *
   * @throws InvalidMessageException saying why it is not a Celery v2 JSON message
   */
  static CeleryMessage parse(AMQP.BasicProperties props, byte[] body) {
    Map<String, Object> headers = props.getHeaders() == null ? Map.of() : props.getHeaders();
    String name = text(headers.get("task"));
    String id = text(headers.get("id"));
    if (name == null || id == null) {
      throw new InvalidMessageException("not a Celery protocol 2 message: the 'task' and 'id' headers are required"
          + " (Celery's task_protocol 1 is not supported)");
    }
    if (id.isEmpty() || id.length() > 255) {
      throw new InvalidMessageException("the 'id' header must be 1 to 255 characters");
    }
    String replyTo = props.getReplyTo() == null || props.getReplyTo().isEmpty() ? null : props.getReplyTo();
    String correlationId = props.getCorrelationId() == null || props.getCorrelationId().isEmpty() ? id
        : props.getCorrelationId();
    String contentType = props.getContentType() == null ? "" : props.getContentType().toLowerCase(Locale.ROOT);
    if (!contentType.equals("application/json")) {
      throw new InvalidMessageException(id, replyTo, correlationId, "content type '" + contentType
          + "' is not accepted; the client must use task_serializer='json'");
    }
    JsonNode root;
    try {
      root = TaskJson.mapper().readTree(new String(body, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new InvalidMessageException(id, replyTo, correlationId, "body is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isArray() || root.size() != 3) {
      throw new InvalidMessageException(id, replyTo, correlationId,
          "body must be the protocol 2 array [args, kwargs, embed]");
    }
    JsonNode args = root.get(0);
    JsonNode kwargs = root.get(1);
    if (!args.isArray() || !kwargs.isObject()) {
      throw new InvalidMessageException(id, replyTo, correlationId, "args must be an array and kwargs an object");
    }
    JsonNode fields;
    if (args.isEmpty()) {
      fields = kwargs;
    } else if (args.size() == 1 && args.get(0).isObject() && kwargs.isEmpty()) {
      fields = args.get(0);
    } else {
      throw new InvalidMessageException(id, replyTo, correlationId,
          "pass the register fields as kwargs (or as one dict argument), not as " + args.size() + " positional arguments");
    }
    return new CeleryMessage(id, name, replyTo, correlationId, fields);
  }

  private static String text(Object header) {
    return header == null ? null : header.toString();
  }
}
