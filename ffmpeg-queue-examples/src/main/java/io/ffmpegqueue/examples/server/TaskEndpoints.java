package io.ffmpegqueue.examples.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.ffmpegqueue.FfmpegQueueClient;
import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.Submission;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskRejectedException;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The task endpoints: register, status, queue size, list and cancel. */
final class TaskEndpoints {
  private static final int DEFAULT_LIST_LIMIT = 100;

  private final FfmpegQueueClient client;
  private final java.net.URI defaultWebhookUrl;
  private final int maxBodyBytes;

  TaskEndpoints(FfmpegQueueClient client, int maxBodyBytes) {
    this(client, maxBodyBytes, null);
  }

  TaskEndpoints(FfmpegQueueClient client, int maxBodyBytes, java.net.URI defaultWebhookUrl) {
    this.client = client;
    this.maxBodyBytes = maxBodyBytes;
    this.defaultWebhookUrl = defaultWebhookUrl;
  }

  /**
   * {@code POST /ffmpeg/register}: answers at once with the guide's four fields. A repeated
   * {@code Idempotency-Key} answers with the first task as it is now, marked {@code Idempotent-Replayed}.
   * {@code tokenTenant}, the tenant of a tenant-bound token or {@code null}, overrides the body's tenant.
   */
  void register(HttpExchange ex, String tokenTenant) throws IOException {
    HttpIo.requireJson(ex);
    byte[] body = HttpIo.readBody(ex, maxBodyBytes);
    String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
    if (key != null && key.isBlank()) {
      key = null; // an empty header is no key
    }
    Submission s;
    try {
      TaskRequest request = RegisterBody.parse(body, key);
      if (request.webhookUrl() == null && defaultWebhookUrl != null) {
        request = request.toBuilder().webhookUrl(defaultWebhookUrl).build(); // WEBHOOK_URL
      }
      if (tokenTenant != null) {
        // A tenant-bound token decides the tenant, whatever the body says.
        request = request.toBuilder().tenant(tokenTenant).build();
      }
      s = client.submit(request);
    } catch (InvalidTaskException e) {
      throw ApiException.badField(e.field(), withConfigHint(stripField(e)));
    } catch (TaskRejectedException e) {
      throw rejected(e);
    } catch (IllegalStateException e) {
      throw new ApiException(503, "unavailable", "the queue is shutting down; try again shortly", null,
          Map.of("Retry-After", "5"));
    }
    Task t = s.task();
    ObjectNode n = TaskJson.mapper().createObjectNode();
    n.put("task_id", t.id().value());
    n.put("status", t.status().wireName());
    n.put("output_url", t.outputUrl());
    n.put("error_message", t.errorMessage());
    ex.getResponseHeaders().set("Location", "/ffmpeg/status/" + t.id().value());
    if (!s.created()) {
      ex.getResponseHeaders().set("Idempotent-Replayed", "true");
    }
    HttpIo.sendJson(ex, 200, n);
  }

  /** {@code GET /ffmpeg/status/{id}} and {@code GET /ffmpeg/tasks/{id}}: the task in full. */
  void status(HttpExchange ex, String id) throws IOException {
    Task t = find(id);
    // A split task's parts are read to count them; a task with a webhook shows its delivery (state and every
    // attempt) in a "webhook" section.
    ObjectNode n = TaskJson.toJson(t, client::find);
    HttpIo.sendJson(ex, 200, OutputPages.listed(t.request().webhookUrl() == null ? n
        : TaskJson.putWebhook(n, client.webhook(t.id()).orElse(null)), t));
  }

  /** {@code GET /ffmpeg/tasks/{id}/outputs?offset=&limit=}: a page of the task's stored outputs. */
  void outputs(HttpExchange ex, String id) throws IOException {
    Task t = find(id);
    Map<String, String> q = query(ex.getRequestURI().getRawQuery());
    int limit = intParam(q, "limit", OutputPages.LISTED, 1, OutputPages.MAX_PAGE);
    int offset = intParam(q, "offset", 0, 0, Integer.MAX_VALUE);
    HttpIo.sendJson(ex, 200, OutputPages.page(t, offset, limit));
  }

  /** {@code GET /ffmpeg/queue/size}: how many tasks are ready to run (not those that wait for other tasks). */
  void queueSize(HttpExchange ex) throws IOException {
    ObjectNode n = TaskJson.mapper().createObjectNode();
    n.put("queue_size", client.queueSize());
    HttpIo.sendJson(ex, 200, n);
  }

  /**
   * {@code GET /ffmpeg/tasks?status=&waiting=&limit=&offset=}: a page of tasks; {@code waiting=true} lists only the
   * tasks that wait for others ({@code depends_on}), {@code waiting=false} only the others.
   */
  void list(HttpExchange ex) throws IOException {
    Map<String, String> q = query(ex.getRequestURI().getRawQuery());
    TaskStatus status = null;
    if (q.containsKey("status") && !q.get("status").isEmpty()) {
      try {
        status = TaskStatus.fromWireName(q.get("status"));
      } catch (IllegalArgumentException e) {
        throw ApiException.badField("status", e.getMessage());
      }
    }
    Boolean waiting = null;
    if (q.containsKey("waiting") && !q.get("waiting").isEmpty()) {
      if (!q.get("waiting").equals("true") && !q.get("waiting").equals("false")) {
        throw ApiException.badField("waiting", "must be true or false");
      }
      waiting = Boolean.valueOf(q.get("waiting"));
    }
    int limit = intParam(q, "limit", DEFAULT_LIST_LIMIT, 1, TaskQuery.MAX_LIMIT);
    int offset = intParam(q, "offset", 0, 0, Integer.MAX_VALUE);
    ObjectNode n = TaskJson.mapper().createObjectNode();
    ArrayNode tasks = n.putArray("tasks");
    for (Task t : client.list(new TaskQuery(status, limit, offset, waiting))) {
      tasks.add(TaskJson.toJson(t));
    }
    n.put("count", tasks.size());
    n.put("limit", limit);
    n.put("offset", offset);
    HttpIo.sendJson(ex, 200, n);
  }

  /**
   * {@code DELETE /ffmpeg/tasks/{id}}: a pending task is cancelled at once (200); a running one is asked to
   * stop and ends CANCELLED shortly (202); a finished one cannot be cancelled (409).
   */
  void cancel(HttpExchange ex, String id) throws IOException {
    TaskId taskId = taskId(id);
    Task t = client.cancel(taskId).orElseThrow(() -> ApiException.notFound(noTask(id)));
    switch (t.status()) {
      case CANCELLED -> HttpIo.sendJson(ex, 200, TaskJson.toJson(t));
      case RUNNING, PENDING -> HttpIo.sendJson(ex, 202, TaskJson.toJson(t));
      default -> throw new ApiException(409, "conflict",
          "task " + id + " is already " + t.status().wireName() + "; only pending or running tasks can be cancelled");
    }
  }

  Task find(String id) {
    return client.find(taskId(id)).orElseThrow(() -> ApiException.notFound(noTask(id)));
  }

  private static TaskId taskId(String id) {
    try {
      return TaskId.of(id);
    } catch (IllegalArgumentException e) {
      // No task can have such an id.
      throw ApiException.notFound(noTask(id));
    }
  }

  private static String noTask(String id) {
    return "no task with id '" + (id.length() > 64 ? id.substring(0, 64) + "..." : id) + "'";
  }

  private static ApiException rejected(TaskRejectedException e) {
    Duration after = e.retryAfter() != null ? e.retryAfter() : Duration.ofSeconds(1);
    String seconds = Long.toString(Math.max(1, (after.toMillis() + 999) / 1000));
    return switch (e.reason()) {
      case QUEUE_FULL -> new ApiException(503, "queue_full", e.getMessage(), null, Map.of("Retry-After", seconds));
      case RATE_LIMITED -> new ApiException(429, "rate_limited", e.getMessage(), null, Map.of("Retry-After", seconds));
      case INVALID -> new ApiException(400, "invalid_request", e.getMessage());
    };
  }

  /**
   * {@code detail} with the variable that would allow what the library refused, when the refusal is one
   * an operator may lift: the library names its own builder options, the service its variables.
   */
  static String withConfigHint(String detail) {
    if (detail.endsWith("which inputs may not use")) {
      return detail + " (the service allows private and local hosts listed in INPUT_ALLOWED_HOSTS,"
          + " e.g. INPUT_ALLOWED_HOSTS=127.0.0.1,10.0.0.0/8)";
    }
    if (detail.endsWith("is outside the allowed folders") || detail.contains("uses the URL scheme 'file'")) {
      return detail + " (the service serves file: inputs from the folders listed in INPUT_ALLOWED_DIRS)";
    }
    return detail;
  }

  /** The message of an {@link InvalidTaskException}, which already starts with its field. */
  private static String stripField(InvalidTaskException e) {
    String prefix = e.field() + ": ";
    String m = e.getMessage();
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq));
      String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (!k.equals("status") && !k.equals("limit") && !k.equals("offset") && !k.equals("waiting")) {
        throw ApiException.badField(k.length() > 64 ? k.substring(0, 64) + "..." : k,
            "unknown query parameter (expected status, waiting, limit or offset)");
      }
      q.put(k, v);
    }
    return q;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "invalid_request", "the query string is not properly encoded");
    }
  }

  private static int intParam(Map<String, String> q, String name, int dflt, int min, int max) {
    String v = q.get(name);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.badField(name, "must be a whole number from " + min + " to " + max + ", got '"
        + (v.length() > 20 ? v.substring(0, 20) + "..." : v) + "'");
  }
}
