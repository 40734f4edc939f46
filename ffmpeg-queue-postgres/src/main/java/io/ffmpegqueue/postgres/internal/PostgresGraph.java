package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PostgreSQL backend's task graphs ({@link io.ffmpegqueue.spi.TaskGraphs}) on the Java side: a new task's
 * parents checked and locked, its edges and waiting state stored in the enqueue's transaction, and the parents a
 * waiting task still waits for read back. Readiness and the cascades happen in the database, in the statement
 * that ends a parent (the trigger of migration 5): a waiting task is PENDING with {@code run_at = 'infinity'}.
 */
public final class PostgresGraph {
  private final String tasks;
  private final String edges;

  /** The graph of the tables of {@code schema} named with {@code prefix} (validated identifiers). */
  public PostgresGraph(String schema, String prefix) {
    this.tasks = schema + "." + prefix + "tasks";
    this.edges = schema + "." + prefix + "task_edges";
  }

  /**
   * The snapshot to store for {@code task}: waiting for its parents that have not completed, or CANCELLED when one
   * of them failed or was cancelled; {@code task} itself when it has none. The parents' rows stay locked
   * ({@code FOR SHARE}) until the transaction ends, so none can end between this read and the insert of the
   * edges (its end would miss them).
   *
   * @throws InvalidTaskException naming {@code depends_on} for an unknown parent or the task itself
   */
  public Task admit(Connection c, Task task) throws SQLException {
    List<TaskId> parents = task.dependsOn();
    if (parents.isEmpty()) {
      return task;
    }
    if (c.getAutoCommit()) {
      throw new IllegalStateException("a task with dependencies is stored in a transaction (autocommit off)");
    }
    Map<String, Task> found = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT " + Statements.COLUMNS + " FROM " + tasks
        + " WHERE id = ANY(?) ORDER BY id FOR SHARE")) {
      ps.setArray(1, c.createArrayOf("text", parents.stream().map(TaskId::value).toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Task t = TaskRows.task(rs);
          found.put(t.id().value(), t);
        }
      }
    }
    List<TaskId> open = new ArrayList<>();
    Task failed = null;
    for (TaskId id : parents) {
      if (id.equals(task.id())) {
        throw new InvalidTaskException("depends_on", "task '" + id + "' is the task itself; a task cannot wait for itself");
      }
      Task p = found.get(id.value());
      if (p == null) {
        throw new InvalidTaskException("depends_on", "task '" + id + "' does not exist (never submitted, or pruned)");
      }
      if (p.status() != TaskStatus.COMPLETED) {
        open.add(id);
      }
      if ((p.status() == TaskStatus.FAILED || p.status() == TaskStatus.CANCELLED) && failed == null) {
        failed = p;
      }
    }
    if (failed != null) {
      return task.toBuilder().status(TaskStatus.CANCELLED).error(TaskError.dependency(failed)).waitingFor(List.of())
          .build();
    }
    return task.toBuilder().waitingFor(open).build();
  }

  /**
   * Stores the edges of {@code stored} (as {@link #admit} made it, just inserted PENDING) and its state: waiting
   * ({@code run_at = 'infinity'}), or CANCELLED with its webhook delivery through {@code cancelPending}.
   *
   * @return the stored snapshot, with the database's finish time when it was cancelled
   */
  public Task stored(Connection c, Task stored, Statements sql, OffsetDateTime webhookDue) throws SQLException {
    List<TaskId> parents = stored.dependsOn();
    if (parents.isEmpty()) {
      return stored;
    }
    int n = parents.size();
    String[] ids = new String[n];
    Integer[] ords = new Integer[n];
    Boolean[] done = new Boolean[n];
    for (int i = 0; i < n; i++) {
      ids[i] = parents.get(i).value();
      ords[i] = i;
      done[i] = stored.status() == TaskStatus.PENDING && !stored.waitingFor().contains(parents.get(i));
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + edges + " (parent_id, child_id, ord, done)"
        + " SELECT p, ?, o, d FROM unnest(?::text[], ?::int[], ?::boolean[]) AS x(p, o, d)")) {
      ps.setString(1, stored.id().value());
      ps.setArray(2, c.createArrayOf("text", ids));
      ps.setArray(3, c.createArrayOf("integer", ords));
      ps.setArray(4, c.createArrayOf("boolean", done));
      ps.executeUpdate();
    }
    if (stored.status() == TaskStatus.CANCELLED) {
      return Jdbc.queryOne(c, sql.cancelPending(), TaskRows.errorJson(stored.error()), stored.id().value(),
          webhookDue).orElse(stored);
    }
    if (stored.isWaiting()) {
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + tasks + " SET waiting = ?, run_at = 'infinity'"
          + " WHERE id = ?")) {
        ps.setInt(1, stored.waitingFor().size());
        ps.setString(2, stored.id().value());
        ps.executeUpdate();
      }
    }
    return stored;
  }

  /** {@code read} with each waiting task's {@code waitingFor} read from the edges (one query for all). */
  public List<Task> withWaitingFor(Connection c, List<Task> read) throws SQLException {
    List<String> waiting = new ArrayList<>();
    for (Task t : read) {
      if (t.isWaiting()) {
        waiting.add(t.id().value());
      }
    }
    if (waiting.isEmpty()) {
      return read;
    }
    Map<String, List<TaskId>> open = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT child_id, parent_id FROM " + edges
        + " WHERE child_id = ANY(?) AND NOT done ORDER BY child_id, ord")) {
      ps.setArray(1, c.createArrayOf("text", waiting.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          open.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(TaskId.of(rs.getString(2)));
        }
      }
    }
    List<Task> out = new ArrayList<>(read.size());
    for (Task t : read) {
      out.add(t.isWaiting() ? t.toBuilder().waitingFor(open.getOrDefault(t.id().value(), List.of())).build() : t);
    }
    return out;
  }

  /** A page of the PENDING tasks that wait for others, in submission order (without their waitingFor). */
  public List<Task> listWaiting(Connection c, TaskQuery query) throws SQLException {
    List<Task> page = new ArrayList<>();
    if (query.status() != null && query.status() != TaskStatus.PENDING) {
      return page;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT " + Statements.COLUMNS + " FROM " + tasks
        + " WHERE status = 'PENDING' AND run_at = 'infinity' ORDER BY seq LIMIT ? OFFSET ?")) {
      ps.setInt(1, query.limit());
      ps.setInt(2, query.offset());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          page.add(TaskRows.task(rs));
        }
      }
    }
    return page;
  }

  /** The tasks that name {@code parent} in their dependencies, in submission order. */
  public List<TaskId> dependents(Connection c, TaskId parent) throws SQLException {
    List<TaskId> kids = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT e.child_id FROM " + edges + " e JOIN " + tasks
        + " t ON t.id = e.child_id WHERE e.parent_id = ? ORDER BY t.seq")) {
      ps.setString(1, parent.value());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          kids.add(TaskId.of(rs.getString(1)));
        }
      }
    }
    return kids;
  }
}
