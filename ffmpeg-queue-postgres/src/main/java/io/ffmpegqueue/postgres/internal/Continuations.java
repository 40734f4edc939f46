package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.LeaseLostException;
import io.ffmpegqueue.spi.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Outcome.Await} on PostgreSQL ({@link io.ffmpegqueue.spi.TaskContinuations}), in one transaction: the
 * running row locked and its lease checked, the awaited tasks checked and locked as an enqueue's parents are
 * ({@link PostgresGraph#admit}), the request with its longer {@code depends_on}, the new edges and the waiting
 * state written, the attempt given back. A parent that ends meanwhile waits for the lock and then finds the new
 * edges, so the trigger that readies children counts it; one that ended before is read COMPLETED (edge done) or
 * FAILED (the task is ready at once: it runs again and decides). The edges are marked awaited, so that a parent
 * that fails later readies the task rather than cancelling it (migration 8's trigger). When a cancel of the task
 * was asked for while it ran, it ends CANCELLED instead, and the tasks it awaited are cancelled with it.
 */
public final class Continuations {
  private final Jdbc db;
  private final Statements sql;
  private final PostgresGraph graph;
  private final TaskReads reads;
  private final NoticeBuffer buffer;
  private final WakeUps wakeUps;
  private final String edges;
  private final String channel;

  /**
   * Continuations on the tables of {@code schema} named with {@code prefix} (validated identifiers), telling of
   * the changes through {@code buffer} and {@code wakeUps}.
   */
  public Continuations(Jdbc db, Statements sql, PostgresGraph graph, TaskReads reads, NoticeBuffer buffer,
      WakeUps wakeUps, String schema, String prefix) {
    this.db = db;
    this.sql = sql;
    this.graph = graph;
    this.reads = reads;
    this.buffer = buffer;
    this.wakeUps = wakeUps;
    this.edges = schema + "." + prefix + "task_edges";
    this.channel = schema + "." + prefix + "tasks";
  }

  /**
   * Ends {@code lease}'s attempt waiting for {@code await}'s tasks; the task after.
   *
   * @throws LeaseLostException when the lease is not current (nothing changed)
   */
  public Task finish(Lease lease, Outcome.Await await, OffsetDateTime webhookDue) {
    TaskStatus status = await(lease, await, webhookDue);
    if (status == null) {
      throw new LeaseLostException(lease.taskId(), lease.attempt());
    }
    Task after = reads.find(lease.taskId()).orElseThrow();
    if (status == TaskStatus.PENDING && !after.isWaiting()) {
      wakeUps.wakeAll();
      buffer.ready();
    }
    return after;
  }

  /**
   * Ends {@code lease}'s attempt waiting for {@code await}'s tasks.
   *
   * @return whether the task is now ready, waits, or was cancelled; {@code null} when the lease was not current
   */
  TaskStatus await(Lease lease, Outcome.Await await, OffsetDateTime webhookDue) {
    return db.run("end task " + lease.taskId() + " waiting for " + await.tasks().size() + " tasks", true,
        c -> awaitIn(c, lease, await, webhookDue));
  }

  private TaskStatus awaitIn(Connection c, Lease lease, Outcome.Await await, OffsetDateTime webhookDue)
      throws SQLException {
    Task running;
    boolean cancelRequested;
    try (PreparedStatement ps = c.prepareStatement("SELECT " + Statements.COLUMNS + ", cancel_requested AS cx FROM "
        + sql.table() + " WHERE id = ? AND " + Statements.FENCE + " = ? AND status = 'RUNNING' FOR UPDATE")) {
      ps.setString(1, lease.taskId().value());
      ps.setInt(2, lease.fence());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        running = TaskRows.task(rs);
        cancelRequested = rs.getBoolean("cx");
      }
    }
    List<TaskId> before = running.dependsOn();
    List<TaskId> more = new ArrayList<>();
    for (TaskId id : await.tasks()) {
      if (!before.contains(id) && !more.contains(id)) {
        more.add(id);
      }
    }
    TaskRequest request = running.request().toBuilder().after(more).build();
    Task pending = new Task(running.id(), request, TaskStatus.PENDING, running.attempt() - 1, null,
        running.outputs(), running.error(), running.createdAt(), running.runAt(), running.startedAt(), null, List.of());
    Task next = graph.admit(c, pending); // throws, rolling back, for an unknown task
    boolean waits = next.status() == TaskStatus.PENDING && next.isWaiting(); // one failed: ready now, to decide
    try (PreparedStatement ps = c.prepareStatement("UPDATE " + sql.table() + " SET status = 'PENDING',"
        + " request = ?::json, attempt = attempt - 1, progress = NULL, run_at = now(), waiting = ?,"
        + " lease_owner = NULL, lease_expires_at = NULL, cancel_requested = false WHERE id = ?")) {
      ps.setString(1, TaskRows.requestJson(pending));
      ps.setInt(2, waits ? next.waitingFor().size() : 0);
      ps.setString(3, running.id().value());
      ps.executeUpdate();
    }
    int n = more.size();
    String[] ids = new String[n];
    Integer[] ords = new Integer[n];
    Boolean[] done = new Boolean[n];
    for (int i = 0; i < n; i++) {
      ids[i] = more.get(i).value();
      ords[i] = before.size() + i;
      done[i] = waits && !next.waitingFor().contains(more.get(i));
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + edges + " (parent_id, child_id, ord, done,"
        + " awaited) SELECT p, ?, o, d, true FROM unnest(?::text[], ?::int[], ?::boolean[]) AS x(p, o, d)")) {
      ps.setString(1, running.id().value());
      ps.setArray(2, c.createArrayOf("text", ids));
      ps.setArray(3, c.createArrayOf("integer", ords));
      ps.setArray(4, c.createArrayOf("boolean", done));
      ps.executeUpdate();
    }
    String[] again = await.tasks().stream().filter(before::contains).map(TaskId::value).distinct()
        .toArray(String[]::new);
    if (waits && again.length > 0) {
      // Parents awaited once more (a task retried by hand awaits its parts again, retried too): the edges of
      // those not completed count again until they end, as a new parent's would.
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + edges + " e SET done = false, awaited = true FROM "
          + sql.table() + " p WHERE e.child_id = ? AND e.parent_id = ANY(?) AND p.id = e.parent_id"
          + " AND p.status <> 'COMPLETED'")) {
        ps.setString(1, running.id().value());
        ps.setArray(2, c.createArrayOf("text", again));
        ps.executeUpdate();
      }
    }
    if (cancelRequested) {
      cancel(c, running.id(), "cancelled while running", webhookDue);
      for (TaskId id : more) { // they were its work
        cancel(c, id, "cancelled before it started", webhookDue);
      }
      return TaskStatus.CANCELLED;
    }
    if (waits) {
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + sql.table() + " SET run_at = 'infinity' WHERE id = ?")) {
        ps.setString(1, running.id().value());
        ps.executeUpdate();
      }
    }
    return TaskStatus.PENDING;
  }

  /**
   * Cancels task {@code id} in this transaction, as a cancel would: a PENDING one ends CANCELLED with
   * {@code message}, a RUNNING one is asked to stop. The notices go out with origin {@code graph}, so this process's
   * listeners hear them too (no caller here tells of these ends).
   */
  private void cancel(Connection c, TaskId id, String message, OffsetDateTime webhookDue) throws SQLException {
    String status;
    boolean requested;
    try (PreparedStatement ps = c.prepareStatement(sql.lockForCancel())) {
      ps.setString(1, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return;
        }
        status = rs.getString(1);
        requested = rs.getBoolean(2);
      }
    }
    if (status.equals("PENDING")) {
      String error = TaskRows.errorJson(TaskError.of(ErrorKind.CANCELLED, message));
      if (Jdbc.queryOne(c, sql.cancelPending(), error, id.value(), webhookDue).isPresent()) {
        notify(c, "E|graph|CANCELLED:" + id.value());
      }
    } else if (status.equals("RUNNING") && !requested) {
      Jdbc.queryOne(c, sql.requestCancel(), id.value(), "c|graph|");
    }
  }

  private void notify(Connection c, String payload) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      ps.setString(1, channel);
      ps.setString(2, payload);
      ps.execute();
    }
  }
}
