package io.ffmpegqueue.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ffmpegqueue.AttemptSeries;
import io.ffmpegqueue.QueueStats;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskPage;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskSearch;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.postgres.internal.Jdbc;
import io.ffmpegqueue.postgres.internal.Statements;
import io.ffmpegqueue.postgres.internal.TaskRows;
import io.ffmpegqueue.spi.CancelResult;
import io.ffmpegqueue.spi.TaskAdmin;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The PostgreSQL backend's {@link TaskAdmin}, in SQL: a retry moves the ended series into the
 * {@code attempt_series} table and makes the row PENDING in one transaction; a search is one keyset query
 * ({@link PostgresTaskSearch}); the statistics are aggregates over the rows that ended in the last hour
 * (on the finished index) and the counts by status.
 */
final class PostgresTaskAdmin implements TaskAdmin {
  private static final String FINAL = "('COMPLETED', 'FAILED', 'CANCELLED')";
  // Carries stored errors back through TaskJson, so their form is exactly TaskJson's.
  private static final Task CARRIER = Task.pending(
      TaskId.of("carrier"), TaskRequest.builder().command("-version").output("out").build(), Instant.EPOCH);

  private final Jdbc db;
  private final Statements sql;
  private final String series;
  private final Runnable ready;
  private final PostgresTaskSearch search;

  PostgresTaskAdmin(Jdbc db, Statements sql, Runnable ready) {
    this.db = db;
    this.sql = sql;
    this.series = sql.tableNamed("attempt_series");
    this.search = new PostgresTaskSearch(db, sql);
    this.ready = ready;
  }

  @Override
  public Optional<CancelResult> retry(TaskId id) {
    Optional<CancelResult> r = db.run("retry task " + id, true, c -> {
      Optional<Task> now = Jdbc.queryOne(c, "SELECT " + sql.columns() + " FROM " + sql.table()
          + " WHERE id = ? FOR UPDATE", id.value());
      if (now.isEmpty()) {
        return Optional.empty();
      }
      TaskStatus s = now.get().status();
      if (s != TaskStatus.FAILED && s != TaskStatus.CANCELLED) {
        return Optional.of(new CancelResult(now.get(), false));
      }
      update(c, "INSERT INTO " + series + " (task_id, series, attempts, status, error, started_at, finished_at)"
          + " SELECT id, coalesce((SELECT max(series) FROM " + series + " WHERE task_id = t.id), 0) + 1, attempt,"
          + " status, error::jsonb, started_at, coalesce(finished_at, now()) FROM " + sql.table() + " t WHERE id = ?",
          id.value());
      update(c, "DELETE FROM " + sql.tableNamed("webhooks") + " WHERE task_id = ?", id.value());
      return Jdbc.queryOne(c, "UPDATE " + sql.table() + " SET status = 'PENDING', attempt = 0,"
          + " attempts_before = attempts_before + attempt, progress = NULL,"
          + " outputs = NULL, error = NULL, run_at = now(), started_at = NULL, finished_at = NULL,"
          + " lease_owner = NULL, lease_expires_at = NULL, cancel_requested = false WHERE id = ? RETURNING "
          + sql.columns(), id.value()).map(t -> new CancelResult(t, true));
    });
    r.filter(CancelResult::changed).ifPresent(x -> ready.run());
    return r;
  }

  @Override
  public Optional<CancelResult> delete(TaskId id) {
    return db.run("delete task " + id, true, c -> {
      // Not while a child that has not ended needs it (its outputs may be that child's input), as in memory.
      Optional<Task> gone = Jdbc.queryOne(c, "DELETE FROM " + sql.table() + " t WHERE id = ? AND status IN " + FINAL
          + " AND NOT EXISTS (SELECT 1 FROM " + sql.tableNamed("task_edges") + " e JOIN " + sql.table()
          + " k ON k.id = e.child_id WHERE e.parent_id = t.id AND k.status NOT IN " + FINAL + ")"
          + " RETURNING " + sql.columns(), id.value());
      if (gone.isPresent()) {
        return Optional.of(new CancelResult(gone.get(), true));
      }
      return Jdbc.queryOne(c, "SELECT " + sql.columns() + " FROM " + sql.table() + " WHERE id = ?", id.value())
          .map(t -> new CancelResult(t, false));
    });
  }

  @Override
  public List<AttemptSeries> history(TaskId id) {
    return db.run("read the history of task " + id, false, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT series, attempts, status, error::text, started_at,"
          + " finished_at FROM " + series + " WHERE task_id = ? ORDER BY series")) {
        ps.setString(1, id.value());
        try (ResultSet rs = ps.executeQuery()) {
          List<AttemptSeries> all = new ArrayList<>();
          while (rs.next()) {
            all.add(new AttemptSeries(rs.getInt(1), rs.getInt(2), TaskStatus.valueOf(rs.getString(3)),
                error(rs.getString(4)), TaskRows.instant(rs, "started_at"), TaskRows.instant(rs, "finished_at")));
          }
          return all;
        }
      }
    });
  }

  private static TaskError error(String json) throws SQLException {
    if (json == null) {
      return null;
    }
    try {
      ObjectNode n = TaskJson.toJson(CARRIER);
      n.set("error", TaskJson.mapper().readTree(json));
      return TaskJson.fromJson(n).error();
    } catch (java.io.IOException | RuntimeException e) {
      throw new SQLException("an attempt series' error is not TaskJson", e);
    }
  }

  @Override
  public TaskPage search(TaskSearch s) {
    return search.search(s);
  }

  @Override
  public QueueStats stats() {
    return db.run("compute the queue's statistics", false, this::stats);
  }

  private QueueStats stats(Connection c) throws SQLException {
    java.util.Map<TaskStatus, Long> counts = new java.util.EnumMap<>(TaskStatus.class);
    Instant now;
    long scheduled;
    try (PreparedStatement ps = c.prepareStatement("SELECT now(), (SELECT count(*) FROM " + sql.table()
        + " WHERE status = 'PENDING' AND run_at > now())");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      now = TaskRows.instant(rs, "now");
      scheduled = rs.getLong(2);
    }
    try (PreparedStatement ps = c.prepareStatement(sql.counts());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        counts.put(TaskStatus.valueOf(rs.getString(1)), rs.getLong(2));
      }
    }
    List<Long> completed = new ArrayList<>(Collections.nCopies(QueueStats.MINUTES, 0L));
    List<Long> failed = new ArrayList<>(Collections.nCopies(QueueStats.MINUTES, 0L));
    String lastHour = " FROM " + sql.table() + " WHERE status IN " + FINAL + " AND finished_at > now() - interval '1 hour'";
    try (PreparedStatement ps = c.prepareStatement("SELECT floor(extract(epoch FROM now() - finished_at) / 60)::int,"
        + " status, count(*)" + lastHour + " AND status IN ('COMPLETED', 'FAILED') GROUP BY 1, 2");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        int minute = QueueStats.MINUTES - 1 - Math.max(0, Math.min(QueueStats.MINUTES - 1, rs.getInt(1)));
        List<Long> series = rs.getString(2).equals("COMPLETED") ? completed : failed;
        series.set(minute, series.get(minute) + rs.getLong(3));
      }
    }
    Duration[] timings = new Duration[4];
    String[] of = {"started_at - run_at", "finished_at - started_at"};
    StringBuilder q = new StringBuilder("SELECT");
    for (int i = 0; i < 4; i++) {
      q.append(i == 0 ? " " : ", ").append("(extract(epoch FROM percentile_disc(").append(i % 2 == 0 ? "0.5" : "0.95")
          .append(") WITHIN GROUP (ORDER BY ").append(of[i / 2]).append(")) * 1000)::bigint");
    }
    try (PreparedStatement ps = c.prepareStatement(q + lastHour + " AND started_at IS NOT NULL");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      for (int i = 0; i < 4; i++) {
        long millis = rs.getLong(i + 1);
        timings[i] = rs.wasNull() ? null : Duration.ofMillis(millis);
      }
    }
    return new QueueStats(now, counts, scheduled, completed, failed, timings[0], timings[1], timings[2], timings[3]);
  }

  private static void update(Connection c, String statement, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(statement)) {
      Jdbc.bind(ps, params);
      ps.executeUpdate();
    }
  }
}
