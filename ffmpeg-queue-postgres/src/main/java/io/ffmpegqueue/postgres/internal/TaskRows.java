package io.ffmpegqueue.postgres.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
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

  // State that the columns hold: left out of the request column, so rows stay small.
  private static final List<String> STATE_FIELDS = List.of("status", "output_url", "error_message", "attempts",
      "progress", "outputs", "error", "run_at", "started_at", "finished_at", "waiting_for");

  // A task that waits for others has run_at 'infinity' (see V5), which the driver reads as OffsetDateTime.MAX.
  private static final Instant WAITING = OffsetDateTime.MAX.toInstant();

  /** The task as submitted, in TaskJson form without the state fields, for the {@code request} column. */
  public static String requestJson(Task task) {
    ObjectNode n = TaskJson.toJson(task);
    n.remove(STATE_FIELDS);
    return n.toString();
  }

  /** Outputs as a TaskJson {@code outputs} array. */
  public static String outputsJson(List<TaskOutput> outputs) {
    if (outputs.isEmpty()) {
      return "[]";
    }
    return TaskJson.toJson(CARRIER.toBuilder().outputs(outputs).build()).get("outputs").toString();
  }

  /** An error as a TaskJson {@code error} object. */
  public static String errorJson(TaskError error) {
    return TaskJson.toJson(CARRIER.toBuilder().error(error).build()).get("error").toString();
  }

  /**
   * A task's row as read (selected with {@link Statements#COLUMNS}), before its request is parsed: reading it
   * is quick, so a claim reads its rows while it holds the connection and each worker parses its own.
   */
  public record Row(String id, String status, int attempt, Double progress, Instant runAt, Instant startedAt,
      Instant finishedAt, String outputs, String error, String request) {}

  /** The current row's columns. */
  public static Row row(ResultSet rs) throws SQLException {
    double progress = rs.getDouble("progress");
    Double p = rs.wasNull() ? null : progress;
    return new Row(rs.getString("id"), rs.getString("status"), rs.getInt("attempt"), p, instant(rs, "run_at"),
        instant(rs, "started_at"), instant(rs, "finished_at"), rs.getString("outputs"), rs.getString("error"),
        rs.getString("request"));
  }

  /** The snapshot in the current row (selected with {@link Statements#COLUMNS}). */
  public static Task task(ResultSet rs) throws SQLException {
    return task(row(rs));
  }

  /** The snapshot in a row. */
  public static Task task(Row row) throws SQLException {
    ObjectNode n;
    try {
      n = (ObjectNode) TaskJson.mapper().readTree(row.request());
    } catch (JsonProcessingException | ClassCastException e) {
      throw new SQLException("task " + row.id() + ": its request column is not task JSON", e);
    }
    // TaskJson reads the request, id and creation time, and the JSON columns when set; the plain columns go
    // straight into the snapshot (no round trip of times through text).
    n.put("status", "pending");
    if (row.outputs() != null) {
      n.set("outputs", json(row.outputs()));
    }
    if (row.error() != null) {
      n.set("error", json(row.error()));
    }
    Task read = TaskJson.fromJson(n);
    boolean waiting = WAITING.equals(row.runAt());
    return read.toBuilder()
        // While waiting, all its parents stand for those it waits for; TaskReads reads the exact ones.
        .waitingFor(waiting && row.status().equals("PENDING") ? read.dependsOn() : List.of())
        .status(TaskStatus.valueOf(row.status()))
        .attempt(row.attempt())
        .progress(row.progress())
        .runAt(waiting ? null : row.runAt())
        .startedAt(row.startedAt())
        .finishedAt(row.finishedAt())
        .build();
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

  private static JsonNode json(String s) throws SQLException {
    try {
      return TaskJson.mapper().readTree(s);
    } catch (JsonProcessingException e) {
      throw new SQLException("a JSON column does not hold JSON", e);
    }
  }
}
