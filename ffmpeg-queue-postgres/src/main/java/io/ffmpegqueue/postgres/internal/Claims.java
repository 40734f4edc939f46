package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.TenantLimits;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The claim statement's parameters and rows ({@link Statements#claim}, sent by {@link WorkerWrites}), the
 * tenants' turns as this process keeps them, and the look for the next delayed task.
 */
public final class Claims {

  private final Statements sql;
  private final Turns turns = new Turns();
  private final Vacuums vacuums;

  /** Claims on the tables of {@code sql}, counting the rows they take for {@code vacuums}. */
  public Claims(Statements sql, Vacuums vacuums) {
    this.sql = sql;
    this.vacuums = vacuums;
  }

  /**
   * A claimed row, read but not yet parsed.
   *
   * @param ord its place in the claim's turn order
   * @param tenant the task's tenant
   * @param attemptsBefore the attempts of the task's series before its last retry by hand
   * @param row the task's columns
   * @param expiresAt when its lease lapses
   */
  record Claimed(long ord, String tenant, int attemptsBefore, TaskRows.Row row, Instant expiresAt) {
    /** The lease, for {@code workerId}: parses the request (on the thread that will run the task). */
    Lease lease(String workerId) {
      try {
        return new Lease(TaskRows.task(row), workerId, expiresAt, attemptsBefore + row.attempt());
      } catch (SQLException e) {
        throw Jdbc.failure("claim task " + row.id(), e);
      }
    }
  }

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

  /**
   * A claim's rows, in turn order, read but not parsed (see {@link Claimed#lease}); records the tenants'
   * turns.
   */
  List<Claimed> read(ResultSet rs) throws SQLException {
    List<Claimed> claimed = new ArrayList<>();
    while (rs.next()) {
      claimed.add(new Claimed(rs.getLong("ord"), rs.getString("tenant"), rs.getInt("attempts_before"),
          TaskRows.row(rs), TaskRows.instant(rs, "lease_expires_at")));
    }
    // An UPDATE returns rows in no particular order.
    claimed.sort(Comparator.comparingLong(Claimed::ord));
    turns.served(claimed.stream().map(Claimed::tenant).toList());
    vacuums.claimed(claimed.size());
    return claimed;
  }

  /** The leases of {@code claimed}, for {@code workerId}. */
  static List<Lease> leases(List<Claimed> claimed, String workerId) {
    List<Lease> leases = new ArrayList<>(claimed.size());
    for (Claimed c : claimed) {
      leases.add(c.lease(workerId));
    }
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
