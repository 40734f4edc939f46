package io.ffmpegqueue.examples.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.Split;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskRequest;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /ffmpeg/register} as a {@link TaskRequest}: the guide's
 * {@code {command, input_files, output_filename}} plus {@code output_files}, {@code priority},
 * {@code timeout_seconds}, {@code max_attempts}, {@code idempotency_key}, {@code metadata}, {@code tenant}, {@code split} and
 * {@code depends_on} (task ids; with it, {@code "command": null} makes a join, which has no files). Each
 * mistake is reported as a 400 naming its field; the request's own checks (file names, URLs) follow in
 * {@link TaskRequest}'s constructor, which names the field too.
 */
final class RegisterBody {
  static final Set<String> FIELDS = Set.of("command", "input_files", "output_filename", "output_files",
      "priority", "timeout_seconds", "max_attempts", "idempotency_key", "metadata", "webhook_url", "tenant",
      "depends_on", "split", "run_at", "delay_seconds");
  private static final long MAX_TIMEOUT_SECONDS = Duration.ofDays(7).toSeconds();
  private static final ObjectReader READER = TaskJson.mapper().reader()
      .with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private RegisterBody() {}

  /**
   * Parses {@code body}; {@code idempotencyHeader} (the {@code Idempotency-Key} header, or {@code null})
   * is used when the body has no {@code idempotency_key}, and must agree with it when it has.
   */
  static TaskRequest parse(byte[] body, String idempotencyHeader) {
    JsonNode root = readTree(body);
    if (!root.isObject()) {
      throw new ApiException(400, "invalid_json", "request body must be a JSON object, got " + kind(root));
    }
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (!FIELDS.contains(e.getKey())) {
        throw ApiException.badField(e.getKey(), "unknown field (expected one of command, input_files, "
            + "output_filename, output_files, priority, timeout_seconds, max_attempts, idempotency_key, metadata, webhook_url, tenant,"
            + " depends_on, split, run_at, delay_seconds)");
      }
    }
    TaskRequest.Builder b = TaskRequest.builder();
    List<TaskId> dependsOn = taskIds(root, "depends_on");
    b.after(dependsOn);
    String command = string(root, "command");
    if (command == null && dependsOn.isEmpty()) {
      throw ApiException.badField("command", "is required (the ffmpeg arguments, e.g. \"-i input.mp4 output.mp4\");"
          + " null only for a join, with depends_on");
    }
    b.command(command);
    strings(root, "input_files").forEach(b::input);
    if (command != null) {
      b.outputs(outputs(root));
    } else {
      b.outputs(optionalOutputs(root)); // a join has none: TaskRequest refuses any, naming the field
    }
    Integer priority = integer(root, "priority");
    if (priority != null) {
      b.priority(priority);
    }
    JsonNode timeout = value(root, "timeout_seconds");
    if (timeout != null) {
      if (!timeout.isNumber() || !(timeout.asDouble() > 0) || timeout.asDouble() > MAX_TIMEOUT_SECONDS) {
        throw ApiException.badField("timeout_seconds", "must be a number of seconds above 0 and at most "
            + MAX_TIMEOUT_SECONDS + ", got " + kind(timeout));
      }
      b.timeout(Duration.ofMillis(Math.max(1, Math.round(timeout.asDouble() * 1000))));
    }
    Integer maxAttempts = integer(root, "max_attempts");
    if (maxAttempts != null) {
      b.maxAttempts(maxAttempts);
    }
    String key = string(root, "idempotency_key");
    if (key != null && idempotencyHeader != null && !key.equals(idempotencyHeader)) {
      throw ApiException.badField("idempotency_key", "differs from the Idempotency-Key header; send one or make them equal");
    }
    b.idempotencyKey(key != null ? key : idempotencyHeader);
    b.metadata(strings(root, "metadata"));
    b.webhookUrl(string(root, "webhook_url"));
    String tenant = string(root, "tenant");
    if (tenant != null) {
      b.tenant(tenant);
    }
    b.split(split(root));
    b.runAt(RunAtField.parse(root, Instant.now()));
    return b.build();
  }

  /** {@code "split": {"segment_seconds": 30}}; {@code {}} for the default segment; absent or null for none. */
  private static Split split(JsonNode root) {
    JsonNode split = value(root, "split");
    if (split == null) {
      return null;
    }
    if (!split.isObject()) {
      throw ApiException.badField("split", "must be an object such as {\"segment_seconds\": 30}, got " + kind(split));
    }
    for (Map.Entry<String, JsonNode> e : split.properties()) {
      if (!e.getKey().equals("segment_seconds")) {
        throw ApiException.badField("split", "unknown field '" + e.getKey() + "' (expected segment_seconds)");
      }
    }
    JsonNode seconds = split.get("segment_seconds");
    if (seconds == null || seconds.isNull()) {
      return Split.DEFAULT;
    }
    if (!seconds.isNumber()) {
      throw ApiException.badField("split", "segment_seconds must be a number, got " + kind(seconds));
    }
    return new Split(seconds.asDouble());
  }

  private static JsonNode readTree(byte[] body) {
    JsonNode root;
    try {
      root = READER.readTree(body);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
      throw new ApiException(400, "invalid_json", "request body is not valid JSON" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ApiException(400, "invalid_json", "request body cannot be read as JSON: " + e.getMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw new ApiException(400, "invalid_json", "request body is empty; expected a JSON object with command, "
          + "input_files and output_filename");
    }
    return root;
  }

  /** {@code output_filename} first, then the rest of {@code output_files}; at least one is required. */
  private static List<String> outputs(JsonNode root) {
    List<String> outputs = optionalOutputs(root);
    if (outputs.isEmpty()) {
      throw ApiException.badField("output_filename", "is required (the file the command writes, e.g. \"output.mp4\")");
    }
    return outputs;
  }

  /** The task ids of an array field; none when it is absent or null. */
  private static List<TaskId> taskIds(JsonNode root, String field) {
    JsonNode v = value(root, field);
    if (v == null) {
      return List.of();
    }
    if (!v.isArray()) {
      throw ApiException.badField(field, "must be an array of task ids, got " + kind(v));
    }
    List<TaskId> ids = new ArrayList<>(v.size());
    for (JsonNode id : v) {
      try {
        if (!id.isTextual()) {
          throw new IllegalArgumentException(kind(id));
        }
        ids.add(TaskId.of(id.asText()));
      } catch (IllegalArgumentException e) {
        throw ApiException.badField(field, "must contain only task ids (1 to 128 letters, digits, '_' or '-'), got "
            + (id.isTextual() ? "'" + abbreviate(id.asText()) + "'" : kind(id)));
      }
    }
    return ids;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  /** {@code output_filename} first, then the rest of {@code output_files}; possibly none. */
  private static List<String> optionalOutputs(JsonNode root) {
    String first = string(root, "output_filename");
    List<String> outputs = new ArrayList<>();
    if (first != null) {
      outputs.add(first);
    }
    JsonNode files = value(root, "output_files");
    if (files != null) {
      if (!files.isArray()) {
        throw ApiException.badField("output_files", "must be an array of file names, got " + kind(files));
      }
      for (JsonNode f : files) {
        if (!f.isTextual()) {
          throw ApiException.badField("output_files", "must contain only strings, got " + kind(f));
        }
        if (!outputs.contains(f.asText())) {
          outputs.add(f.asText());
        }
      }
    }
    return outputs;
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
      throw ApiException.badField(field, "must be a string, got " + kind(v));
    }
    return v.asText();
  }

  private static Integer integer(JsonNode root, String field) {
    JsonNode v = value(root, field);
    if (v == null) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw ApiException.badField(field, "must be a whole number, got " + kind(v));
    }
    return v.asInt();
  }

  private static Map<String, String> strings(JsonNode root, String field) {
    JsonNode v = value(root, field);
    if (v == null) {
      return Map.of();
    }
    if (!v.isObject()) {
      throw ApiException.badField(field, "must be an object of names to strings, got " + kind(v));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (!e.getValue().isTextual()) {
        throw ApiException.badField(field, "'" + e.getKey() + "' must be a string, got " + kind(e.getValue()));
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /** What a JSON value is, for messages; never the value itself, which may be large. */
  private static String kind(JsonNode v) {
    return switch (v.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> v.isIntegralNumber() ? (v.canConvertToInt() ? "the number " + v.asText() : "a number out of range")
          : "the number " + v.asText();
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> "a " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
