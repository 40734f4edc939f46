package io.ffmpegqueue.examples.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.ffmpegqueue.AttemptSeries;
import io.ffmpegqueue.QueueStats;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskCursor;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskPage;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskSearch;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.WorkerInfo;
import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.spi.CancelResult;
import io.ffmpegqueue.spi.TaskAdmin;
import io.ffmpegqueue.spi.WorkerRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management endpoints over the backend's {@link TaskAdmin} and {@link WorkerRegistry}: retry, delete
 * with {@code purge=true}, the task search ({@code GET /ffmpeg/tasks} with a search parameter), a task's
 * attempts, the live workers and the statistics.
 */
final class AdminEndpoints {
  private static final Logger log = LoggerFactory.getLogger(AdminEndpoints.class);
  /** Workers heard within this are live. */
  static final Duration LIVE = Duration.ofSeconds(30);
  private static final Set<String> SEARCH_PARAMS = Set.of("cursor", "tenant", "metadata_key", "metadata_value",
      "created_from", "created_to", "q");
  private static final Set<String> ALL_PARAMS = Set.of("cursor", "tenant", "metadata_key", "metadata_value",
      "created_from", "created_to", "q", "status", "limit");

  private final TaskAdmin admin;
  private final WorkerRegistry workers;
  private final Storage storage;
  private final java.util.function.Function<String, Task> finder;

  AdminEndpoints(TaskAdmin admin, WorkerRegistry workers, Storage storage, java.util.function.Function<String, Task> finder) {
    this.admin = admin;
    this.finder = finder;
    this.workers = workers;
    this.storage = storage;
  }

  /**
   * Answers a management request, if {@code seg} (the path's segments) names one: {@code true} when it did.
   * {@code admin} may be {@code null} (the backend offers none: 501); tenant-bound tokens may not manage.
   */
  static boolean route(AdminEndpoints admin, HttpExchange ex, String method, String[] seg, String tenant)
      throws IOException {
    String path = ex.getRequestURI().getRawPath();
    boolean tasks = seg[2].equals("tasks");
    boolean list = tasks && seg.length == 3 && method.equals("GET")
        && isSearch(params(ex.getRequestURI().getRawQuery()));
    boolean purge = tasks && seg.length == 4 && method.equals("DELETE")
        && "true".equals(params(ex.getRequestURI().getRawQuery()).get("purge"));
    boolean perTask = tasks && seg.length == 5 && !seg[3].isEmpty()
        && (seg[4].equals("retry") || seg[4].equals("attempts"));
    boolean global = seg.length == 3 && (seg[2].equals("workers") || seg[2].equals("stats"));
    if (!list && !purge && !perTask && !global) {
      return false;
    }
    if (admin == null) {
      throw new ApiException(501, "not_implemented", "the queue's backend offers no task management");
    }
    if (tenant != null) {
      throw new ApiException(403, "forbidden", "task management needs API_TOKEN, not a tenant's token");
    }
    if (list) {
      admin.search(ex, params(ex.getRequestURI().getRawQuery()));
    } else if (purge) {
      admin.purge(ex, seg[3]);
    } else if (perTask && seg[4].equals("retry")) {
      ApiHandler.allow(method, path, "POST");
      admin.retry(ex, seg[3]);
    } else if (perTask) {
      ApiHandler.allow(method, path, "GET");
      admin.attempts(ex, seg[3]);
    } else {
      ApiHandler.allow(method, path, "GET");
      if (seg[2].equals("workers")) {
        admin.workers(ex);
      } else {
        admin.stats(ex);
      }
    }
    return true;
  }

  /** Whether a {@code GET /ffmpeg/tasks} query asks for the search (any search parameter, or status=scheduled). */
  static boolean isSearch(Map<String, String> q) {
    return q.keySet().stream().anyMatch(SEARCH_PARAMS::contains) || "scheduled".equals(q.get("status"));
  }

  /** {@code POST /ffmpeg/tasks/{id}/retry}. */
  void retry(HttpExchange ex, String id) throws IOException {
    CancelResult r = admin.retry(taskId(id)).orElseThrow(() -> ApiException.notFound(noTask(id)));
    if (!r.changed()) {
      throw new ApiException(409, "conflict", "task " + id + " is " + r.task().status().wireName()
          + "; only failed or cancelled tasks can be retried");
    }
    log.info("task {} retried by hand", id);
    HttpIo.sendJson(ex, 200, TaskJson.toJson(r.task()));
  }

  /** {@code DELETE /ffmpeg/tasks/{id}?purge=true}: the task and its stored outputs. */
  void purge(HttpExchange ex, String id) throws IOException {
    TaskId taskId = taskId(id);
    CancelResult check = admin.delete(taskId).orElseThrow(() -> ApiException.notFound(noTask(id)));
    if (!check.changed() && check.task().status().isFinal()) {
      throw new ApiException(409, "conflict", "task " + id + " is still needed by a task that depends on it and"
          + " has not ended; delete it once that one has ended");
    }
    if (!check.changed()) {
      throw new ApiException(409, "conflict", "task " + id + " is " + check.task().status().wireName()
          + "; only finished tasks can be deleted (cancel it first)");
    }
    boolean outputsDeleted = false;
    if (storage != null && !check.task().outputs().isEmpty()) {
      try {
        storage.delete(taskId);
        outputsDeleted = true;
      } catch (IOException | RuntimeException e) {
        log.warn("task {} deleted, but its outputs could not be: {}", id, e.toString());
      }
    }
    ObjectNode n = TaskJson.mapper().createObjectNode();
    n.put("task_id", id);
    n.put("deleted", true);
    n.put("outputs_deleted", outputsDeleted || check.task().outputs().isEmpty());
    HttpIo.sendJson(ex, 200, n);
  }

  /** {@code GET /ffmpeg/tasks} with search parameters: a keyset page, newest first. */
  void search(HttpExchange ex, Map<String, String> q) throws IOException {
    for (String k : q.keySet()) {
      if (!ALL_PARAMS.contains(k)) {
        throw ApiException.badField(k.length() > 64 ? k.substring(0, 64) + "..." : k,
            "unknown query parameter (expected status, limit, cursor, tenant, metadata_key, metadata_value,"
                + " created_from, created_to or q)");
      }
    }
    TaskSearch.Builder b = TaskSearch.builder();
    String status = blankToNull(q.get("status"));
    if ("scheduled".equals(status)) {
      b.scheduled(true);
    } else if (status != null) {
      try {
        b.status(TaskStatus.fromWireName(status));
      } catch (IllegalArgumentException e) {
        throw ApiException.badField("status", e.getMessage().replace("or cancelled)", "cancelled or scheduled)"));
      }
    }
    int limit = limit(q.get("limit"));
    b.limit(limit).tenant(blankToNull(q.get("tenant"))).text(blankToNull(q.get("q")));
    String key = blankToNull(q.get("metadata_key"));
    String value = blankToNull(q.get("metadata_value"));
    if (value != null && key == null) {
      throw ApiException.badField("metadata_value", "needs metadata_key");
    }
    b.metadata(key, value).created(time(q, "created_from"), time(q, "created_to"));
    String cursor = blankToNull(q.get("cursor"));
    if (cursor != null) {
      try {
        b.after(TaskCursor.parse(cursor));
      } catch (IllegalArgumentException e) {
        throw ApiException.badField("cursor", e.getMessage());
      }
    }
    TaskPage page = admin.search(b.build());
    ObjectNode n = TaskJson.mapper().createObjectNode();
    ArrayNode tasks = n.putArray("tasks");
    page.tasks().forEach(t -> tasks.add(TaskJson.toJson(t)));
    n.put("count", tasks.size());
    n.put("limit", limit);
    n.put("next_cursor", page.next() == null ? null : page.next().encode());
    HttpIo.sendJson(ex, 200, n);
  }

  /** {@code GET /ffmpeg/tasks/{id}/attempts}: the current series and the ones before each retry. */
  void attempts(HttpExchange ex, String id) throws IOException {
    Task t = finder.apply(id);
    ObjectNode n = TaskJson.mapper().createObjectNode();
    n.put("task_id", t.id().value());
    ArrayNode all = n.putArray("series");
    for (AttemptSeries s : admin.history(t.id())) {
      ObjectNode o = all.addObject();
      o.put("series", s.series());
      o.put("attempts", s.attempts());
      o.put("status", s.status().wireName());
      error(o, s.error());
      o.put("started_at", s.startedAt() == null ? null : s.startedAt().toString());
      o.put("finished_at", s.finishedAt().toString());
    }
    ObjectNode cur = all.addObject();
    cur.put("series", all.size());
    cur.put("attempts", t.attempt());
    cur.put("status", t.status().wireName());
    error(cur, t.error());
    cur.put("started_at", t.startedAt() == null ? null : t.startedAt().toString());
    cur.put("finished_at", t.finishedAt() == null ? null : t.finishedAt().toString());
    cur.put("current", true);
    HttpIo.sendJson(ex, 200, n);
  }

  private static void error(ObjectNode o, TaskError e) {
    if (e == null) {
      o.putNull("error");
      return;
    }
    ObjectNode err = o.putObject("error");
    err.put("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT));
    err.put("message", e.message());
    err.put("stderr_tail", e.stderrTail());
  }

  /** {@code GET /ffmpeg/workers}: the worker processes heard in the last 30 seconds. */
  void workers(HttpExchange ex) throws IOException {
    ObjectNode n = TaskJson.mapper().createObjectNode();
    ArrayNode all = n.putArray("workers");
    List<WorkerInfo> live = workers == null ? List.of() : workers.live(LIVE);
    for (WorkerInfo w : live) {
      ObjectNode o = all.addObject();
      o.put("id", w.id());
      o.put("host", w.host());
      o.put("pid", w.pid());
      o.put("version", w.version());
      o.put("workers", w.workers());
      o.put("tasks_running", w.tasksRunning());
      o.put("started_at", w.startedAt().toString());
      o.put("last_heartbeat", w.lastHeartbeat().toString());
    }
    n.put("count", live.size());
    HttpIo.sendJson(ex, 200, n);
  }

  /** {@code GET /ffmpeg/stats}. */
  void stats(HttpExchange ex) throws IOException {
    QueueStats s = admin.stats();
    ObjectNode n = TaskJson.mapper().createObjectNode();
    n.put("at", s.at().toString());
    ObjectNode counts = n.putObject("counts");
    for (TaskStatus st : TaskStatus.values()) {
      counts.put(st.wireName(), s.counts().get(st));
    }
    counts.put("scheduled", s.scheduled());
    ArrayNode completed = n.putArray("completed_per_minute");
    s.completedPerMinute().forEach(completed::add);
    ArrayNode failed = n.putArray("failed_per_minute");
    s.failedPerMinute().forEach(failed::add);
    n.put("wait_p50_seconds", seconds(s.waitP50()));
    n.put("wait_p95_seconds", seconds(s.waitP95()));
    n.put("run_p50_seconds", seconds(s.runP50()));
    n.put("run_p95_seconds", seconds(s.runP95()));
    HttpIo.sendJson(ex, 200, n);
  }

  private static Double seconds(Duration d) {
    return d == null ? null : d.toMillis() / 1000.0;
  }

  private static int limit(String v) {
    if (v == null || v.isEmpty()) {
      return 50;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= TaskQuery.MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.badField("limit", "must be a whole number from 1 to " + TaskQuery.MAX_LIMIT);
  }

  private static Instant time(Map<String, String> q, String name) {
    String v = blankToNull(q.get(name));
    if (v == null) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiException.badField(name, "must be an RFC 3339 time such as 2026-12-01T10:00:00Z");
    }
  }

  /** The query string's parameters, decoded (the last of a repeated name wins). */
  static Map<String, String> params(String raw) {
    Map<String, String> q = new java.util.HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        q.put(java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8),
            eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new ApiException(400, "invalid_request", "the query string is not properly encoded");
      }
    }
    return q;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  static TaskId taskId(String id) {
    try {
      return TaskId.of(id);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound(noTask(id));
    }
  }

  static String noTask(String id) {
    return "no task with id '" + (id.length() > 64 ? id.substring(0, 64) + "..." : id) + "'";
  }
}
