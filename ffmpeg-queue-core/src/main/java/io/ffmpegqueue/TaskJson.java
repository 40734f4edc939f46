package io.ffmpegqueue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ffmpegqueue.ffmpeg.MediaInfo;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Tasks as JSON, for the wire and for backends that persist them: snake_case names, lowercase statuses,
 * and the four fields every client reads ({@code task_id}, {@code status}, {@code output_url}, {@code error_message})
 * always present, {@code null} when empty. Reading back what {@link #write(Task)} wrote gives an equal task.
 *
 * <pre>{@code
 * {"task_id":"...","status":"completed","output_url":"s3://bucket/ffmpeg-outputs/.../output.mp4",
 *  "error_message":null,"command":"-i input.mp4 output.mp4","input_files":{"input.mp4":"https://..."},
 *  "output_filename":"output.mp4","output_files":["output.mp4"],"priority":0,"timeout_seconds":3600,
 *  "max_attempts":3,"idempotency_key":null,"tenant":null,"metadata":{},"attempts":1,"progress":1.0,
 *  "outputs":[{"name":"output.mp4","url":"s3://...","size":1234,...}],"error":null,
 *  "created_at":"2026-01-01T00:00:00Z","run_at":"...","started_at":"...","finished_at":"..."}
 * }</pre>
 *
 * A task that waits for others also has {@code "depends_on": [ids]} and {@code "waiting_for": [ids not completed
 * yet]}; a join has {@code "command": null} and no output files.
 */
public final class TaskJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TaskJson() {}

  /** The shared mapper (thread-safe, not to be reconfigured). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** The task as JSON text. */
  public static String write(Task task) {
    try {
      return MAPPER.writeValueAsString(toJson(task));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write task " + task.id() + " as JSON", e);
    }
  }

  /** The task read from JSON text that {@link #write} wrote. */
  public static Task read(String json) {
    try {
      return fromJson(MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid task JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * The task as a JSON tree. A split task's {@code split} holds its segment only: its parts are counted by
   * {@link #toJson(Task, Function)}, which reads them.
   */
  public static ObjectNode toJson(Task t) {
    return json(t, null);
  }

  /**
   * The task as a JSON tree; a split task that has split also shows {@code "split": {"segment_seconds": 30,
   * "parts": N, "parts_completed": M}} (its video parts, read through {@code tasks}) and, while it waits for
   * them, {@code progress} = the share of their work done, each part weighted by its duration (a running one
   * counted by its own progress).
   *
   * @param tasks finds a task by id (e.g. {@code client::find})
   */
  public static ObjectNode toJson(Task t, Function<TaskId, Optional<Task>> tasks) {
    return json(t, Objects.requireNonNull(tasks, "tasks"));
  }

  private static ObjectNode json(Task t, Function<TaskId, Optional<Task>> tasks) {
    ObjectNode n = MAPPER.createObjectNode();
    TaskRequest r = t.request();
    n.put("task_id", t.id().value());
    n.put("status", t.status().wireName());
    n.put("output_url", t.outputUrl());
    n.put("error_message", t.errorMessage());
    n.put("command", r.command());
    ObjectNode inputs = n.putObject("input_files");
    r.inputs().forEach((k, v) -> inputs.put(k, v.toString()));
    n.put("output_filename", r.outputFilename());
    ArrayNode outs = n.putArray("output_files");
    r.outputs().forEach(outs::add);
    n.put("priority", r.priority());
    if (r.timeout() == null) {
      n.putNull("timeout_seconds");
    } else {
      n.put("timeout_seconds", r.timeout().toMillis() / 1000.0);
    }
    n.put("max_attempts", r.maxAttempts());
    n.put("idempotency_key", r.idempotencyKey());
    n.put("tenant", r.tenant());
    ObjectNode meta = n.putObject("metadata");
    r.metadata().forEach(meta::put);
    n.put("webhook_url", r.webhookUrl() == null ? null : r.webhookUrl().toString());
    Double progress = r.split() == null ? t.progress() : SplitJson.write(n, t, tasks);
    n.put("attempts", t.attempt());
    if (progress == null) {
      n.putNull("progress");
    } else {
      n.put("progress", progress);
    }
    ArrayNode outputs = n.putArray("outputs");
    for (TaskOutput o : t.outputs()) {
      outputs.add(outputJson(o));
    }
    if (t.error() == null) {
      n.putNull("error");
    } else {
      ObjectNode e = n.putObject("error");
      e.put("kind", t.error().kind().wireName());
      e.put("message", t.error().message());
      e.put("stderr_tail", t.error().stderrTail());
    }
    n.put("created_at", str(t.createdAt()));
    n.put("run_at", str(t.runAt()));
    n.put("started_at", str(t.startedAt()));
    n.put("finished_at", str(t.finishedAt()));
    TaskGraphJson.write(n, t);
    return n;
  }

  /**
   * The task as a JSON tree with a {@code webhook} section: the delivery's id, state, next attempt and
   * every attempt so far ({@code null} when the task has no delivery).
   */
  public static ObjectNode toJson(Task t, WebhookDelivery webhook) {
    return putWebhook(toJson(t), webhook);
  }

  /** Adds the {@code webhook} section of {@link #toJson(Task, WebhookDelivery)} to task JSON {@code n}. */
  public static ObjectNode putWebhook(ObjectNode n, WebhookDelivery webhook) {
    if (webhook == null) {
      n.putNull("webhook");
      return n;
    }
    ObjectNode w = n.putObject("webhook");
    w.put("delivery_id", webhook.deliveryId());
    w.put("url", webhook.url().toString());
    w.put("state", webhook.state().name().toLowerCase(java.util.Locale.ROOT));
    w.put("next_attempt_at", str(webhook.nextAttemptAt()));
    ArrayNode attempts = w.putArray("attempts");
    for (WebhookAttempt a : webhook.attempts()) {
      ObjectNode an = attempts.addObject();
      an.put("at", a.at().toString());
      if (a.statusCode() == null) {
        an.putNull("status_code");
      } else {
        an.put("status_code", a.statusCode());
      }
      an.put("error", a.error());
    }
    return n;
  }

  /** One stored output as JSON: {@code name}, {@code url}, {@code size}, {@code content_type}, ... as in a task's {@code outputs}. */
  public static ObjectNode outputJson(TaskOutput o) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("name", o.name());
    n.put("url", o.uri().toString());
    n.put("size", o.size());
    n.put("content_type", o.contentType());
    n.put("checksum", o.checksum());
    n.put("download_url", o.downloadUrl() == null ? null : o.downloadUrl().toString());
    if (o.media() == null) {
      n.putNull("media");
    } else {
      ObjectNode m = n.putObject("media");
      m.put("format", o.media().formatName());
      if (o.media().durationSeconds() == null) {
        m.putNull("duration_seconds");
      } else {
        m.put("duration_seconds", o.media().durationSeconds());
      }
      ArrayNode streams = m.putArray("streams");
      for (MediaInfo.StreamInfo s : o.media().streams()) {
        ObjectNode sn = streams.addObject();
        sn.put("index", s.index());
        sn.put("type", s.type());
        sn.put("codec", s.codec());
        sn.put("width", s.width());
        sn.put("height", s.height());
      }
    }
    return n;
  }

  /** The task of a JSON tree that {@link #toJson} made. */
  public static Task fromJson(JsonNode n) {
    TaskRequest.Builder rb = TaskRequest.builder()
        .command(text(n, "command"))
        .priority(n.path("priority").asInt(0))
        .maxAttempts(n.path("max_attempts").asInt(0))
        .idempotencyKey(text(n, "idempotency_key"));
    for (Map.Entry<String, JsonNode> e : n.path("input_files").properties()) {
      rb.input(e.getKey(), URI.create(e.getValue().asText()));
    }
    for (JsonNode o : n.path("output_files")) {
      rb.output(o.asText());
    }
    JsonNode timeout = n.get("timeout_seconds");
    if (timeout != null && timeout.isNumber()) {
      rb.timeout(Duration.ofMillis(Math.round(timeout.asDouble() * 1000)));
    }
    Map<String, String> meta = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.path("metadata").properties()) {
      meta.put(e.getKey(), e.getValue().asText());
    }
    rb.metadata(meta);
    rb.tenant(text(n, "tenant"));
    rb.webhookUrl(text(n, "webhook_url"));
    rb.after(TaskGraphJson.readIds(n.get("depends_on")));
    JsonNode split = n.get("split");
    if (split != null && split.isObject()) {
      rb.split(new Split(split.path("segment_seconds").asDouble(Split.DEFAULT.segmentSeconds())));
    }
    List<TaskOutput> outputs = new ArrayList<>();
    for (JsonNode o : n.path("outputs")) {
      outputs.add(readOutput(o));
    }
    TaskError error = null;
    JsonNode e = n.get("error");
    if (e != null && e.isObject()) {
      error = new TaskError(ErrorKind.fromWireName(text(e, "kind")), text(e, "message"), text(e, "stderr_tail"));
    }
    JsonNode progress = n.get("progress");
    return new Task(
        TaskId.of(text(n, "task_id")),
        rb.build(),
        TaskStatus.fromWireName(text(n, "status")),
        n.path("attempts").asInt(0),
        progress != null && progress.isNumber() ? progress.asDouble() : null,
        outputs,
        error,
        instant(text(n, "created_at")),
        instant(text(n, "run_at")),
        instant(text(n, "started_at")),
        instant(text(n, "finished_at")),
        TaskGraphJson.readIds(n.get("waiting_for")));
  }

  private static TaskOutput readOutput(JsonNode o) {
    MediaInfo media = null;
    JsonNode m = o.get("media");
    if (m != null && m.isObject()) {
      List<MediaInfo.StreamInfo> streams = new ArrayList<>();
      for (JsonNode s : m.path("streams")) {
        streams.add(new MediaInfo.StreamInfo(s.path("index").asInt(), text(s, "type"), text(s, "codec"),
            integer(s, "width"), integer(s, "height")));
      }
      JsonNode d = m.get("duration_seconds");
      media = new MediaInfo(text(m, "format"), d != null && d.isNumber() ? d.asDouble() : null, streams);
    }
    String download = text(o, "download_url");
    return new TaskOutput(text(o, "name"), URI.create(text(o, "url")), o.path("size").asLong(),
        text(o, "content_type"), text(o, "checksum"), download == null ? null : URI.create(download), media);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.getNodeType() == JsonNodeType.NULL ? null : v.asText();
  }

  private static Integer integer(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || !v.isNumber() ? null : v.asInt();
  }

  private static Instant instant(String s) {
    return s == null ? null : Instant.parse(s);
  }

  private static String str(Instant i) {
    return i == null ? null : i.toString();
  }
}
