package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.TenantLimits;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The claim statement and the look for the next delayed task, for the backend's waiting claim. */
public final class Claims {
  private static final Comparator<Claimed> TURN_ORDER = Comparator.comparingLong(Claimed::ord);

  private final Statements sql;

  /** Claims on the tables of {@code sql}. */
  public Claims(Statements sql) {
    this.sql = sql;
  }

  private record Claimed(long ord, Lease lease) {}

  /**
   * Leases up to {@code r.maxTasks()} ready tasks now, in turn order, within the tenants' running limits.
   * With running limits, claims take turns under a transaction advisory lock: {@code c} must not be in
   * autocommit mode.
   */
  public List<Lease> claimNow(Connection c, ClaimRequest r) throws SQLException {
    TenantLimits limits = r.tenantLimits();
    if (limits.limitsRunning()) {
      // Running limits need each claim to see the counts the previous one left. Without limits, SKIP LOCKED
      // alone keeps a task from being claimed twice, and claims need not wait for each other.
      try (PreparedStatement lock = c.prepareStatement(sql.claimLock())) {
        lock.execute();
      }
    }
    String[] names = limits.tenants().keySet().toArray(String[]::new);
    Integer[] caps = new Integer[names.length];
    for (int i = 0; i < names.length; i++) {
      caps[i] = limits.tenants().get(names[i]).maxRunning();
    }
    try (PreparedStatement ps = c.prepareStatement(sql.claim())) {
      ps.setInt(1, r.maxTasks());
      ps.setArray(2, c.createArrayOf("text", names));
      ps.setArray(3, c.createArrayOf("integer", caps));
      ps.setInt(4, limits.defaults().maxRunning());
      ps.setInt(5, r.maxTasks());
      ps.setInt(6, r.maxTasks());
      ps.setString(7, r.workerId());
      ps.setLong(8, r.leaseDuration().toMillis());
      try (ResultSet rs = ps.executeQuery()) {
        List<Claimed> claimed = new ArrayList<>();
        while (rs.next()) {
          Lease lease = new Lease(TaskRows.task(rs), r.workerId(), TaskRows.instant(rs, "lease_expires_at"));
          claimed.add(new Claimed(rs.getLong("ord"), lease));
        }
        claimed.sort(TURN_ORDER); // an UPDATE returns rows in no particular order
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
