package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reads of the tasks table: one task, a page, the counts by status. A task that waits for others is read with
 * the parents it still waits for.
 *
 * @param db the connections
 * @param sql the statements
 * @param graph the task graphs' reads
 */
public record TaskReads(Jdbc db, Statements sql, PostgresGraph graph) {
  /** One task, or empty. */
  public Optional<Task> find(TaskId id) {
    return db.run("find task " + id, false, c -> {
      Optional<Task> t = Jdbc.queryOne(c, sql.find(), id.value());
      return t.isPresent() && t.get().isWaiting() ? Optional.of(graph.withWaitingFor(c, List.of(t.get())).get(0)) : t;
    });
  }

  /**
   * A page of tasks. With {@code waiting} set, the page is read as without it and the tasks that do not match are
   * left out of it (so it may be short); the waiting tasks alone are read in submission order.
   */
  public List<Task> list(TaskQuery query) {
    if (Boolean.TRUE.equals(query.waiting())) {
      return db.run("list waiting tasks", false, c -> graph.withWaitingFor(c, graph.listWaiting(c, query)));
    }
    return db.run("list tasks", false, c -> {
      TaskStatus status = query.status();
      try (PreparedStatement ps = c.prepareStatement(sql.list(status))) {
        // How far into each status group the page reaches (see Statements.list).
        long reach = (long) query.offset() + query.limit();
        int i = 1;
        if (status == null) {
          for (int group = 0; group < 3; group++) {
            ps.setLong(i++, reach);
          }
        } else if (status == TaskStatus.PENDING) {
          ps.setLong(i++, reach);
        } else if (status.isFinal()) {
          ps.setString(i++, status.name());
        }
        ps.setInt(i++, query.limit());
        ps.setInt(i, query.offset());
        try (ResultSet rs = ps.executeQuery()) {
          List<Task> page = new ArrayList<>();
          while (rs.next()) {
            Task t = TaskRows.task(rs);
            if (query.matches(t)) {
              page.add(t);
            }
          }
          return graph.withWaitingFor(c, page);
        }
      }
    });
  }

  /** How many tasks there are of each status (every status is a key). */
  public Map<TaskStatus, Long> counts() {
    return db.run("count tasks", false, c -> {
      Map<TaskStatus, Long> m = new EnumMap<>(TaskStatus.class);
      for (TaskStatus s : TaskStatus.values()) {
        m.put(s, 0L);
      }
      try (PreparedStatement ps = c.prepareStatement(sql.counts()); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          m.put(TaskStatus.valueOf(rs.getString(1)), rs.getLong(2));
        }
      }
      return m;
    });
  }

  /** How many tasks are PENDING and do not wait for others. */
  public long pendingCount() {
    return db.run("count ready tasks", false, c -> Jdbc.queryLong(c, sql.readyCount()));
  }
}
