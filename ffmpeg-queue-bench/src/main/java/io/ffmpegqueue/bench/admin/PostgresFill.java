package io.ffmpegqueue.bench.admin;

import io.ffmpegqueue.postgres.PostgresQueueBackend;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/**
 * Fills the PostgreSQL backend's real table ({@code public.ffq_tasks}, migrated by the backend) with one
 * {@code INSERT ... SELECT FROM generate_series}: the same mix as {@link Mix} (its formulas in SQL), each row's
 * request, outputs and error copied from {@link Templates} as the backend stored them. Then {@code VACUUM
 * ANALYZE}, as autovacuum would have done by the time a table holds a million rows.
 */
final class PostgresFill {
  private PostgresFill() {}

  static void fill(DataSource ds, PostgresQueueBackend b, Mix mix) throws Exception {
    Templates t = new Templates(b);
    String request;
    String outputs;
    String error;
    try (Connection c = ds.getConnection()) {
      request = t.placeholders(one(c, "SELECT request::text FROM ffq_tasks WHERE id = ?", t.completed.value()));
      outputs = one(c, "SELECT outputs::text FROM ffq_tasks WHERE id = ?", t.completed.value());
      error = one(c, "SELECT error::text FROM ffq_tasks WHERE id = ?", t.failed.value());
    }
    t.delete(b);
    String status = "CASE WHEN i % 100 < 80 THEN 'COMPLETED' WHEN i % 100 < 90 THEN 'FAILED'"
        + " WHEN i % 100 < 93 THEN 'CANCELLED' WHEN i % 100 < 98 THEN 'PENDING'"
        + " WHEN i % 1000 = 998 THEN 'RUNNING' ELSE 'COMPLETED' END";
    String command = "'-ss ' || (i % 60) || ' -i input.mp4 -vf scale=' || (ARRAY[640, 1280, 1920, 3840])[i % 4 + 1]"
        + " || ':-2 -c:v libx264 -metadata title=job' || i || '; output.mp4'";
    String sql = "INSERT INTO ffq_tasks (id, status, priority, run_at, created_at, attempt, max_attempts, request,"
        + " progress, outputs, error, started_at, finished_at, lease_owner, lease_expires_at, tenant)"
        + " SELECT id, st, 0,"
        + "  CASE WHEN i % 100 = 97 THEN ?::timestamptz + interval '1 day' ELSE c END, c,"
        + "  CASE WHEN st = 'PENDING' THEN 0 ELSE 1 END, 3,"
        + "  replace(replace(replace(replace(replace(replace(?::text, '__CMD__', " + command + "),"
        + "   '__TEN__', 'tenant-' || (i % 20)), '__CUS__', 'c' || (i % 1000)),"
        + "   '__FLG__', CASE WHEN i % 200000 = 0 THEN 'vip' ELSE 'none' END), '__ID__', id),"
        + "   '__CRT__', to_char(c AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))::json,"
        + "  CASE st WHEN 'COMPLETED' THEN 1.0 WHEN 'RUNNING' THEN 0.5 END,"
        + "  CASE st WHEN 'COMPLETED' THEN ?::jsonb END,"
        + "  CASE WHEN st IN ('FAILED', 'CANCELLED') THEN ?::jsonb END,"
        + "  CASE WHEN st <> 'PENDING' THEN c + (1 + i % 7) * interval '1 second' END,"
        + "  CASE WHEN st IN ('COMPLETED', 'FAILED', 'CANCELLED') THEN c + (6 + i % 7 + i % 50) * interval '1 second' END,"
        + "  CASE WHEN st = 'RUNNING' THEN 'bench-worker' END,"
        + "  CASE WHEN st = 'RUNNING' THEN now() + interval '30 days' END,"
        + "  'tenant-' || (i % 20)"
        + " FROM (SELECT i, gen_random_uuid()::text AS id, " + status + " AS st, ?::timestamptz - interval '" + Mix.DAYS + " days'"
        + "  + (" + Mix.DAYS * 86_400_000L + "::bigint * i / ?) * interval '1 millisecond' AS c"
        + "  FROM generate_series(0, ? - 1) AS i) s";
    try (Connection c = ds.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        OffsetDateTime start = OffsetDateTime.ofInstant(mix.start, ZoneOffset.UTC);
        ps.setObject(1, start);
        ps.setString(2, request);
        ps.setString(3, outputs);
        ps.setString(4, error);
        ps.setObject(5, start);
        ps.setInt(6, mix.n);
        ps.setInt(7, mix.n);
        ps.executeUpdate();
      }
      try (Statement s = c.createStatement()) {
        s.execute("VACUUM ANALYZE ffq_tasks");
      }
    }
  }

  private static String one(Connection c, String sql, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
