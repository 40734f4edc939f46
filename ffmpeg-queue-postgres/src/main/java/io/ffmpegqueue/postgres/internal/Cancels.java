package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.spi.CancelResult;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Cancels, in one transaction: a PENDING task ends CANCELLED at once (with its webhook delivery when it has
 * a URL); a RUNNING one gets a cancel request and a notice to the process that runs it.
 *
 * @param db the connections
 * @param sql the statements
 */
public record Cancels(Jdbc db, Statements sql) {
  /**
   * Cancels task {@code id}; see {@code QueueBackend.cancel}.
   *
   * @param webhookDue when a webhook delivery stored now is due
   * @param cancelNotice the notice payload that tells the owning process of a cancel request
   */
  public Optional<CancelResult> cancel(TaskId id, OffsetDateTime webhookDue, String cancelNotice) {
    return db.run("cancel task " + id, true, c -> {
      String status;
      boolean requested;
      try (PreparedStatement ps = c.prepareStatement(sql.lockForCancel())) {
        ps.setString(1, id.value());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.<CancelResult>empty();
          }
          status = rs.getString(1);
          requested = rs.getBoolean(2);
        }
      }
      Optional<Task> changed = Optional.empty();
      if (status.equals("PENDING")) {
        String error = TaskRows.errorJson(TaskError.of(ErrorKind.CANCELLED, "cancelled before it started"));
        changed = Jdbc.queryOne(c, sql.cancelPending(), error, id.value(), webhookDue);
      } else if (status.equals("RUNNING") && !requested) {
        changed = Jdbc.queryOne(c, sql.requestCancel(), id.value(), cancelNotice);
      }
      if (changed.isPresent()) {
        return Optional.of(new CancelResult(changed.get(), true));
      }
      return Jdbc.queryOne(c, sql.find(), id.value()).map(t -> new CancelResult(t, false));
    });
  }
}
