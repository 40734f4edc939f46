package io.ffmpegqueue.postgres;

import io.ffmpegqueue.WorkerInfo;
import io.ffmpegqueue.postgres.internal.Jdbc;
import io.ffmpegqueue.postgres.internal.Statements;
import io.ffmpegqueue.postgres.internal.TaskRows;
import io.ffmpegqueue.spi.WorkerRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The PostgreSQL backend's {@link WorkerRegistry}: one row per worker process in the {@code workers} table,
 * upserted by each heartbeat on the database's clock; a read removes the rows unheard for twice its window.
 */
final class PostgresWorkers implements WorkerRegistry {
  private static final String MILLIS = " * interval '1 millisecond'";
  private final Jdbc db;
  private final String table;

  PostgresWorkers(Jdbc db, Statements sql) {
    this.db = db;
    this.table = sql.tableNamed("workers");
  }

  @Override
  public void heartbeat(WorkerInfo w) {
    Objects.requireNonNull(w, "worker");
    db.run("record the heartbeat of worker " + w.id(), false, c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
          + " (id, host, pid, version, workers, started_at, last_heartbeat, tasks_running)"
          + " VALUES (?, ?, ?, ?, ?, ?, now(), ?) ON CONFLICT (id) DO UPDATE SET host = excluded.host,"
          + " pid = excluded.pid, version = excluded.version, workers = excluded.workers,"
          + " started_at = excluded.started_at, last_heartbeat = now(), tasks_running = excluded.tasks_running")) {
        Jdbc.bind(ps, w.id(), w.host(), w.pid(), w.version(), w.workers(), TaskRows.timestamp(w.startedAt()),
            w.tasksRunning());
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public List<WorkerInfo> live(Duration within) {
    long millis = within.toMillis();
    return db.run("list the live workers", false, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE last_heartbeat < now() - ?"
          + MILLIS)) {
        ps.setLong(1, 2 * millis);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT id, host, pid, version, workers, started_at,"
          + " last_heartbeat, tasks_running FROM " + table + " WHERE last_heartbeat >= now() - ?" + MILLIS
          + " ORDER BY id")) {
        ps.setLong(1, millis);
        try (ResultSet rs = ps.executeQuery()) {
          List<WorkerInfo> all = new ArrayList<>();
          while (rs.next()) {
            all.add(new WorkerInfo(rs.getString("id"), rs.getString("host"), rs.getLong("pid"),
                rs.getString("version"), rs.getInt("workers"), TaskRows.instant(rs, "started_at"),
                TaskRows.instant(rs, "last_heartbeat"), rs.getInt("tasks_running")));
          }
          return all;
        }
      }
    });
  }

  @Override
  public void remove(String workerId) {
    db.run("remove worker " + workerId, false, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
        ps.setString(1, workerId);
        return ps.executeUpdate();
      }
    });
  }
}
