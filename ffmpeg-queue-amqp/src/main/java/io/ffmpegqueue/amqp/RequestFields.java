package io.ffmpegqueue.amqp;

import com.fasterxml.jackson.databind.JsonNode;
import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.TaskRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The fields of {@code POST /ffmpeg/register} (a plain message's body, a Celery message's kwargs) as a
 * {@link TaskRequest}. Each mistake is an {@link InvalidTaskException} naming its field, as the HTTP API
 * names it.
 */
final class RequestFields {
  static final Set<String> FIELDS = Set.of("command", "input_files", "output_filename", "output_files",
      "priority", "timeout_seconds", "max_attempts", "idempotency_key", "metadata", "webhook_url", "tenant");
  private static final long MAX_TIMEOUT_SECONDS = Duration.ofDays(7).toSeconds();

  private RequestFields() {}

  /** The request of {@code root}; {@code defaultKey} is the idempotency key when the fields name none. */
  static TaskRequest parse(JsonNode root, String defaultKey, Map<String, String> extraMetadata) {
    if (root == null || !root.isObject()) {
      throw new InvalidTaskException("body", "must be a JSON object of the register fields");
    }
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (!FIELDS.contains(e.getKey())) {
        throw new InvalidTaskException(e.getKey(), "unknown field (expected one of command, input_files, "
            + "output_filename, output_files, priority, timeout_seconds, max_attempts, idempotency_key, metadata, "
            + "webhook_url, tenant)");
      }
    }
    TaskRequest.Builder b = TaskRequest.builder();
    String command = string(root, "command");
    if (command == null) {
      throw new InvalidTaskException("command", "is required (the ffmpeg arguments, e.g. \"-i input.mp4 output.mp4\")");
    }
    b.command(command);
    strings(root, "input_files").forEach(b::input);
    String first = string(root, "output_filename");
    if (first != null) {
      b.output(first);
    }
    JsonNode files = value(root, "output_files");
    if (files != null) {
      if (!files.isArray()) {
        throw new InvalidTaskException("output_files", "must be an array of file names");
      }
      for (JsonNode f : files) {
        if (!f.isTextual()) {
          throw new InvalidTaskException("output_files", "must contain only strings");
        }
        if (!f.asText().equals(first)) {
          b.output(f.asText());
        }
      }
    }
    if (first == null && (files == null || files.isEmpty())) {
      throw new InvalidTaskException("output_filename", "is required (the file the command writes, e.g. \"output.mp4\")");
    }
    Integer priority = integer(root, "priority");
    if (priority != null) {
      b.priority(priority);
    }
    JsonNode timeout = value(root, "timeout_seconds");
    if (timeout != null) {
      if (!timeout.isNumber() || !(timeout.asDouble() > 0) || timeout.asDouble() > MAX_TIMEOUT_SECONDS) {
        throw new InvalidTaskException("timeout_seconds", "must be a number of seconds above 0 and at most "
            + MAX_TIMEOUT_SECONDS);
      }
      b.timeout(Duration.ofMillis(Math.max(1, Math.round(timeout.asDouble() * 1000))));
    }
    Integer maxAttempts = integer(root, "max_attempts");
    if (maxAttempts != null) {
      b.maxAttempts(maxAttempts);
    }
    String key = string(root, "idempotency_key");
    b.idempotencyKey(key != null ? key : defaultKey);
    b.metadata(strings(root, "metadata"));
    b.metadata(extraMetadata);
    b.webhookUrl(string(root, "webhook_url"));
    String tenant = string(root, "tenant");
    if (tenant != null) {
      b.tenant(tenant);
    }
    return b.build();
  }

  private static JsonNode value(JsonNode root, String field) {
    JsonNode v = root.get(field);
    return v == null || v.isNull() ? null : v;
  }

  private static String string(JsonNode root, String field) {
    JsonNode v = value(root, field);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw new InvalidTaskException(field, "must be a string, got " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    return v.asText();
  }

  private static Integer integer(JsonNode root, String field) {
    JsonNode v = value(root, field);
    if (v == null) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new InvalidTaskException(field, "must be a whole number");
    }
    return v.asInt();
  }

  private static Map<String, String> strings(JsonNode root, String field) {
    JsonNode v = value(root, field);
    if (v == null) {
      return Map.of();
    }
    if (!v.isObject()) {
      throw new InvalidTaskException(field, "must be an object of names to strings");
    }
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (!e.getValue().isTextual()) {
        throw new InvalidTaskException(field, "'" + e.getKey() + "' must be a string");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }
}
