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

/**
 * The claim statement and the look for the next delayed task, for the backend's waiting claim. Claims made
 * on several threads at once go together ({@link Batcher}): one statement takes as many rows as the claims
 * ask for in all, and hands them out in turn order, each claim getting at most its own free slots.
 */
public final class Claims {
  private static final Comparator<Claimed> TURN_ORDER = Comparator.comparingLong(Claimed::ord);
  // Most claims a statement.
  private static final int MAX_BATCH = 64;

  private final Jdbc db;
  private final Statements sql;
  private final Turns turns = new Turns();
  private final Batcher<ClaimRequest, List<Lease>> batcher = new Batcher<>(MAX_BATCH, this::write);

  /** Claims on the tables of {@code sql}. */
  public Claims(Jdbc db, Statements sql) {
    this.db = db;
    this.sql = sql;
  }

  private record Claimed(long ord, Lease lease) {}

  // Claims that can share a statement: same worker, lease and limits.
  private record Kind(String workerId, java.time.Duration lease, TenantLimits limits) {
    static Kind of(ClaimRequest r) {
      return new Kind(r.workerId(), r.leaseDuration(), r.tenantLimits());
    }
  }

  /** Leases up to {@code r.maxTasks()} ready tasks now, in turn order, within the tenants' running limits. */
  public List<Lease> claimNow(ClaimRequest r) {
    return batcher.submit(r);
  }

  private List<List<Lease>> write(List<ClaimRequest> batch) {
    // In autocommit: the statements sent together (see claimNow) are one transaction, committed at once.
    return db.run("claim tasks", false, c -> {
      List<List<Lease>> answers = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        answers.add(null);
      }
      for (int i = 0; i < batch.size(); i++) {
        if (answers.get(i) != null) {
          continue;
        }
        Kind kind = Kind.of(batch.get(i));
        int total = 0;
        List<Integer> members = new ArrayList<>();
        for (int j = i; j < batch.size(); j++) {
          if (answers.get(j) == null && Kind.of(batch.get(j)).equals(kind)) {
            members.add(j);
            total += batch.get(j).maxTasks();
          }
        }
        ClaimRequest first = batch.get(i);
        List<Lease> leases = claimNow(c, new ClaimRequest(first.workerId(), total, first.leaseDuration(),
            first.maxWait(), first.tenantLimits()));
        int next = 0;
        for (int m : members) {
          int take = Math.min(batch.get(m).maxTasks(), leases.size() - next);
          answers.set(m, List.copyOf(leases.subList(next, next + take)));
          next += take;
        }
      }
      return answers;
    });
  }

  /**
   * Leases up to {@code r.maxTasks()} ready tasks now, in turn order, within the tenants' running limits.
   * With running limits, claims take turns under a transaction advisory lock, taken by a statement sent with
   * the claim in one round trip: in autocommit mode the two are one transaction.
   */
  public List<Lease> claimNow(Connection c, ClaimRequest r) throws SQLException {
    TenantLimits limits = r.tenantLimits();
    boolean limited = limits.limitsRunning();
    // Sent with the claim in one round trip: the plan settings (see Statements.planSettings) and, with running
    // limits, the lock that makes claims take turns, so each sees the running counts the previous one left.
    // Without limits, SKIP LOCKED alone keeps a task from being claimed twice, and claims need not wait.
    try (PreparedStatement ps = c.prepareStatement(sql.plannedClaim(limited))) {
      int i = 1;
      ps.setArray(i++, c.createArrayOf("text", turns.tenants()));
      ps.setArray(i++, c.createArrayOf("bigint", turns.numbers()));
      if (limited) {
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
      ps.setLong(i, r.leaseDuration().toMillis());
      ps.execute(); // the plan settings, then the claim
      if (!ps.getMoreResults()) {
        throw new SQLException("the claim returned no rows");
      }
      List<Claimed> claimed = new ArrayList<>();
      try (ResultSet rs = ps.getResultSet()) {
        while (rs.next()) {
          Lease lease = new Lease(TaskRows.task(rs), r.workerId(), TaskRows.instant(rs, "lease_expires_at"));
          claimed.add(new Claimed(rs.getLong("ord"), lease));
        }
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
