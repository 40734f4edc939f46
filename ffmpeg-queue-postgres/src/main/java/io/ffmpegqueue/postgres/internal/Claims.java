package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.TenantLimits;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The claim statement's parameters and rows ({@link Statements#claim}, sent by {@link WorkerWrites}), the
 * tenants' turns as this process keeps them, and the look for the next delayed task.
 */
public final class Claims {
  private static final Comparator<Claimed> TURN_ORDER = Comparator.comparingLong(Claimed::ord);

  private final Statements sql;
  private final Turns turns = new Turns();

  /** Claims on the tables of {@code sql}. */
  public Claims(Statements sql) {
    this.sql = sql;
  }

  private record Claimed(long ord, Lease lease) {}

  /** Claims that can share a statement: the same worker, lease and limits. */
  record Kind(String workerId, Duration lease, TenantLimits limits) {
    static Kind of(ClaimRequest r) {
      return new Kind(r.workerId(), r.leaseDuration(), r.tenantLimits());
    }

    /** Which claim statement: 1 without running limits, 2 with (see {@link Statements#workerRound}). */
    int statement() {
      return limits.limitsRunning() ? 2 : 1;
    }
  }

  /**
   * Sets the parameters of a claim of {@code r.maxTasks()} tasks from {@code i} on.
   *
   * @return the index of the next parameter
   */
  int bind(Connection c, PreparedStatement ps, int i, ClaimRequest r) throws SQLException {
    TenantLimits limits = r.tenantLimits();
    ps.setArray(i++, c.createArrayOf("text", turns.tenants()));
    ps.setArray(i++, c.createArrayOf("bigint", turns.numbers()));
    if (limits.limitsRunning()) {
      String[] names = limits.tenants().keySet().toArray(String[]::new);
      Integer[] caps = new Integer[names.length];
      for (int j = 0; j < names.length; j++) {
        caps[j] = limits.tenants().get(names[j]).maxRunning();
      }
      ps.setInt(i++, r.maxTasks());
      ps.setArray(i++, c.createArrayOf("text", names));
      ps.setArray(i++, c.createArrayOf("integer", caps));
      ps.setInt(i++, limits.defaults().maxRunning());
    }
    ps.setInt(i++, r.maxTasks());
    ps.setInt(i++, r.maxTasks());
    ps.setString(i++, r.workerId());
    ps.setLong(i++, r.leaseDuration().toMillis());
    return i;
  }

  /** The leases in a claim's rows, in turn order; records the tenants' turns. */
  List<Lease> read(ResultSet rs, ClaimRequest r) throws SQLException {
    List<Claimed> claimed = new ArrayList<>();
    while (rs.next()) {
      Lease lease = new Lease(TaskRows.task(rs), r.workerId(), TaskRows.instant(rs, "lease_expires_at"));
      claimed.add(new Claimed(rs.getLong("ord"), lease));
    }
    claimed.sort(TURN_ORDER); // an UPDATE returns rows in no particular order
    List<Lease> leases = new ArrayList<>(claimed.size());
    List<String> served = new ArrayList<>(claimed.size());
    for (Claimed cl : claimed) {
      leases.add(cl.lease());
      String tenant = cl.lease().task().request().tenant();
      served.add(tenant == null ? TenantLimits.NO_TENANT : tenant);
    }
    turns.served(served);
    return leases;
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
