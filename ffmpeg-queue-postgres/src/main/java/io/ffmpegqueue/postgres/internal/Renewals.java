package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.LeaseState;
import io.ffmpegqueue.spi.Renewal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;

/**
 * Lease renewals: one fenced statement that extends a lease, records progress and reads a cancel request;
 * new progress detail of a lease still held goes to the other processes with this process's notices.
 *
 * @param db the connections
 * @param sql the statements
 * @param notices where the progress notices are gathered
 */
public record Renewals(Jdbc db, Statements sql, NoticeBuffer notices) {
  /** Extends the lease unless it is no longer current; see {@code QueueBackend.renew}. */
  public LeaseState renew(Renewal renewal) {
    Lease lease = renewal.lease();
    LeaseState state = db.run("renew the lease of task " + lease.taskId(), false, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.renew())) {
        ps.setLong(1, renewal.leaseDuration().toMillis());
        ps.setObject(2, renewal.progress(), Types.DOUBLE);
        ps.setString(3, lease.taskId().value());
        ps.setInt(4, lease.fence());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return LeaseState.LOST;
          }
          return rs.getBoolean(1) ? LeaseState.CANCEL_REQUESTED : LeaseState.ACTIVE;
        }
      }
    });
    if (state != LeaseState.LOST && renewal.detail() != null) {
      notices.progress(lease.taskId(), renewal.detail());
    }
    return state;
  }
}
