package io.ffmpegqueue.postgres;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskCursor;
import io.ffmpegqueue.TaskPage;
import io.ffmpegqueue.TaskSearch;
import io.ffmpegqueue.postgres.internal.Jdbc;
import io.ffmpegqueue.postgres.internal.Statements;
import io.ffmpegqueue.postgres.internal.TaskRows;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL backend's task search: one keyset query, newest first. Status, tenant and creation time are
 * plain columns (V7's index of final rows, {@code (status, created_at, id)}, serves a final status; the ready and
 * running indexes a PENDING or RUNNING one; the created index of V6 the rest); the metadata and the command are inside the request JSON, which no index covers,
 * so a search by them is a bounded scan ({@link TaskSearch#SCAN_LIMIT} rows that pass the column filters, then
 * the JSON filters on those): the query returns the matches and, when the scan used its whole budget, the last
 * row it looked at, where the next page goes on.
 */
final class PostgresTaskSearch {
  private final Jdbc db;
  private final Statements sql;

  PostgresTaskSearch(Jdbc db, Statements sql) {
    this.db = db;
    this.sql = sql;
  }

  TaskPage search(TaskSearch s) {
    List<Object> p = new ArrayList<>();
    String columnFilters = columnFilters(s, p);
    List<Object> jp = new ArrayList<>();
    String jsonFilters = jsonFilters(s, jp);
    String q;
    if (!s.scans()) {
      q = "SELECT " + sql.columns() + " FROM " + sql.table() + " WHERE " + columnFilters
          + " ORDER BY created_at DESC, id DESC LIMIT ?";
      p.add(s.limit() + 1);
    } else {
      // The scan in the created order (k), the JSON filters on its rows; the marker row k = SCAN_LIMIT says the
      // budget ran out, and sorts after every match before it.
      q = "SELECT * FROM (SELECT " + sql.columns() + ", created_at, " + jsonFilters + " AS hit,"
          + " row_number() OVER (ORDER BY created_at DESC, id DESC) AS k FROM " + sql.table() + " WHERE "
          + columnFilters + " ORDER BY created_at DESC, id DESC LIMIT ?) scan"
          + " WHERE hit OR k = ? ORDER BY created_at DESC, id DESC LIMIT ?"; // the scan's order: no sort, stops early
      List<Object> all = new ArrayList<>(jp);
      all.addAll(p);
      p = all;
      p.add(TaskSearch.SCAN_LIMIT);
      p.add(TaskSearch.SCAN_LIMIT);
      p.add(s.limit() + 1);
    }
    String query = q;
    Object[] params = p.toArray();
    return db.run("search tasks", false, c -> {
      try (PreparedStatement ps = c.prepareStatement(query)) {
        Jdbc.bind(ps, params);
        try (ResultSet rs = ps.executeQuery()) {
          List<Task> hits = new ArrayList<>();
          Task end = null;
          while (rs.next()) {
            Task t = TaskRows.task(rs);
            if (!s.scans() || rs.getBoolean("hit")) {
              hits.add(t);
            }
            if (s.scans() && rs.getLong("k") == TaskSearch.SCAN_LIMIT) {
              end = t;
            }
          }
          if (hits.size() <= s.limit() && end != null) {
            return new TaskPage(hits, TaskCursor.of(end)); // the budget ran out: go on below the last row seen
          }
          return TaskPage.of(hits, s.limit());
        }
      }
    });
  }

  private static String columnFilters(TaskSearch s, List<Object> p) {
    StringBuilder q = new StringBuilder("true");
    if (s.scheduled()) {
      q.append(" AND status = 'PENDING' AND run_at > now()");
    } else if (s.status() != null) {
      // A constant, so that the planner sees which partial index holds the rows (a final status: V7's).
      q.append(" AND status = '").append(s.status().name()).append('\'');
      if (s.status() == io.ffmpegqueue.TaskStatus.RUNNING) {
        q.append(" AND lease_owner IS NOT NULL"); // the running index's predicate (V4): set exactly while RUNNING
      }
    }
    if (s.tenant() != null) {
      q.append(" AND tenant = ?");
      p.add(s.tenant());
    }
    if (s.createdFrom() != null) {
      q.append(" AND created_at >= ?");
      p.add(TaskRows.timestamp(s.createdFrom()));
    }
    if (s.createdBefore() != null) {
      q.append(" AND created_at < ?");
      p.add(TaskRows.timestamp(s.createdBefore()));
    }
    if (s.after() != null) {
      q.append(" AND (created_at, id) < (?, ?)");
      p.add(TaskRows.timestamp(s.after().createdAt()));
      p.add(s.after().id().value());
    }
    return q.toString();
  }

  private static String jsonFilters(TaskSearch s, List<Object> p) {
    StringBuilder q = new StringBuilder("true");
    if (s.metadataKey() != null) {
      q.append(s.metadataValue() == null ? " AND request->'metadata'->>? IS NOT NULL" : " AND request->'metadata'->>? = ?");
      p.add(s.metadataKey());
      if (s.metadataValue() != null) {
        p.add(s.metadataValue());
      }
    }
    if (s.text() != null) {
      q.append(" AND strpos(lower(request->>'command'), lower(?)) > 0");
      p.add(s.text());
    }
    return q.toString();
  }
}
