package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The claim statement and the look for the next delayed task, for the backend's waiting claim. */
public final class Claims {
  private static final Comparator<Claimed> RUN_ORDER = Comparator.comparingInt(Claimed::priority)
      .thenComparing(Claimed::runAt).thenComparingLong(Claimed::seq);

  private final Statements sql;

  /** Claims on the tables of {@code sql}. */
  public Claims(Statements sql) {
    this.sql = sql;
  }

  private record Claimed(int priority, Instant runAt, long seq, Lease lease) {}

  /** Leases up to {@code r.maxTasks()} ready tasks now, in run order. */
  public List<Lease> claimNow(Connection c, ClaimRequest r) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.claim())) {
      ps.setInt(1, r.maxTasks());
      ps.setString(2, r.workerId());
      ps.setLong(3, r.leaseDuration().toMillis());
      try (ResultSet rs = ps.executeQuery()) {
        List<Claimed> claimed = new ArrayList<>();
        while (rs.next()) {
          Lease lease = new Lease(TaskRows.task(rs), r.workerId(), TaskRows.instant(rs, "lease_expires_at"));
          claimed.add(new Claimed(rs.getInt("priority"), lease.task().runAt(), rs.getLong("seq"), lease));
        }
        claimed.sort(RUN_ORDER); // an UPDATE returns rows in no particular order
        List<Lease> leases = new ArrayList<>(claimed.size());
        for (Claimed cl : claimed) {
          leases.add(cl.lease());
        }
        return leases;
      }
    }
  }

  /** Milliseconds until the earliest PENDING task is due (negative when one is), or null when none is PENDING. */
  public Long nextDueMillis(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.nextDue()); ResultSet rs = ps.executeQuery()) {
      rs.next();
      long v = rs.getLong(1);
      return rs.wasNull() ? null : v;
    }
  }
}
