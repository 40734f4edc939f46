package io.ffmpegqueue.postgres.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Tasks to rows and back, through {@link TaskJson}: the {@code request} column holds the task as submitted
 * in TaskJson form, and a read lays the state columns over it before {@link TaskJson#fromJson} makes the
 * snapshot. Outputs and errors are stored as the TaskJson fragments they are in that form.
 */
public final class TaskRows {
  // Carries outputs and errors through TaskJson, so their stored form is exactly TaskJson's.
  private static final Task CARRIER = Task.pending(
      TaskId.of("carrier"), TaskRequest.builder().command("-version").output("out").build(), Instant.EPOCH);

  private TaskRows() {}

  /** The task as submitted, for the {@code request} column. */
  public static String requestJson(Task task) {
    return TaskJson.write(task);
  }

  /** Outputs as a TaskJson {@code outputs} array. */
  public static String outputsJson(List<TaskOutput> outputs) {
    return TaskJson.toJson(CARRIER.toBuilder().outputs(outputs).build()).get("outputs").toString();
  }

  /** An error as a TaskJson {@code error} object. */
  public static String errorJson(TaskError error) {
    return TaskJson.toJson(CARRIER.toBuilder().error(error).build()).get("error").toString();
  }

  /** The snapshot in the current row (selected with {@link Statements#COLUMNS}). */
  public static Task task(ResultSet rs) throws SQLException {
    ObjectNode n;
    try {
      n = (ObjectNode) TaskJson.mapper().readTree(rs.getString("request"));
    } catch (JsonProcessingException | ClassCastException e) {
      throw new SQLException("task " + rs.getString("id") + ": its request column is not task JSON", e);
    }
    n.put("status", TaskStatus.valueOf(rs.getString("status")).wireName());
    n.put("attempts", rs.getInt("attempt"));
    double progress = rs.getDouble("progress");
    if (rs.wasNull()) {
      n.putNull("progress");
    } else {
      n.put("progress", progress);
    }
    n.set("outputs", json(rs.getString("outputs"), JsonNodeFactory.instance.arrayNode()));
    n.set("error", json(rs.getString("error"), JsonNodeFactory.instance.nullNode()));
    n.put("run_at", text(instant(rs, "run_at")));
    n.put("started_at", text(instant(rs, "started_at")));
    n.put("finished_at", text(instant(rs, "finished_at")));
    return TaskJson.fromJson(n);
  }

  /** A timestamptz column as an instant, or {@code null}. */
  public static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  /** An instant for a timestamptz parameter. */
  public static OffsetDateTime timestamp(Instant i) {
    return i == null ? null : OffsetDateTime.ofInstant(i, java.time.ZoneOffset.UTC);
  }

  private static JsonNode json(String s, JsonNode ifNull) throws SQLException {
    if (s == null) {
      return ifNull;
    }
    try {
      return TaskJson.mapper().readTree(s);
    } catch (JsonProcessingException e) {
      throw new SQLException("a JSON column does not hold JSON", e);
    }
  }

  private static String text(Instant i) {
    return i == null ? null : i.toString();
  }
}
