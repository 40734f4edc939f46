package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The reads of the tasks table: one task, a page, the counts by status.
 *
 * @param db the connections
 * @param sql the statements
 */
public record TaskReads(Jdbc db, Statements sql) {
  /** A page of tasks. */
  public List<Task> list(TaskQuery query) {
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
            page.add(TaskRows.task(rs));
          }
          return page;
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

  /** How many tasks are PENDING. */
  public long pendingCount() {
    return db.run("count pending tasks", false, c -> Jdbc.queryLong(c, sql.pendingCount()));
  }
}
