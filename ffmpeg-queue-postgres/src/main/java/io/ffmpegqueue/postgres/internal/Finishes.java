package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.spi.Lease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** The ends of attempts: the parameters and rows of {@link Statements#finishBatch} (sent by {@link WorkerWrites}). */
public final class Finishes {
  private Finishes() {}

  /**
   * The end of one attempt.
   *
   * @param lease the lease being ended
   * @param status the new status; PENDING is a retry when {@code delayMillis} is set, else a release
   * @param outputs the TaskJson outputs array for COMPLETED, else null
   * @param error the TaskJson error object, or null to keep the stored one (release) or clear it (COMPLETED)
   * @param delayMillis the retry's delay from the database's now, or null
   */
  public record Ending(Lease lease, String status, String outputs, String error, Long delayMillis) {}

  /** What the database decided for an ended attempt. */
  public record Ended(Instant runAt, Instant finishedAt, Double progress) {}

  /**
   * Sets the parameters of the finish of {@code batch} from {@code i} on.
   *
   * @return the index of the next parameter
   */
  static int bind(Connection c, PreparedStatement ps, int i, List<Ending> batch) throws SQLException {
    int n = batch.size();
    Integer[] ords = new Integer[n];
    String[] ids = new String[n];
    Integer[] fences = new Integer[n];
    String[] statuses = new String[n];
    String[] outputs = new String[n];
    String[] errors = new String[n];
    Long[] delays = new Long[n];
    for (int j = 0; j < n; j++) {
      Ending e = batch.get(j);
      ords[j] = j;
      ids[j] = e.lease().taskId().value();
      fences[j] = e.lease().fence();
      statuses[j] = e.status();
      outputs[j] = e.outputs();
      errors[j] = e.error();
      delays[j] = e.delayMillis();
    }
    ps.setArray(i++, c.createArrayOf("integer", ords));
    ps.setArray(i++, c.createArrayOf("text", ids));
    ps.setArray(i++, c.createArrayOf("integer", fences));
    ps.setArray(i++, c.createArrayOf("text", statuses));
    ps.setArray(i++, c.createArrayOf("text", outputs));
    ps.setArray(i++, c.createArrayOf("text", errors));
    ps.setArray(i++, c.createArrayOf("bigint", delays));
    return i;
  }

  /** What was decided for each of {@code n} endings, in their order; null for an attempt whose lease was lost. */
  static Ended[] read(ResultSet rs, int n) throws SQLException {
    Ended[] answers = new Ended[n];
    while (rs.next()) {
      int ord = rs.getInt(1);
      double progress = rs.getDouble(4);
      Double p = rs.wasNull() ? null : progress;
      answers[ord] = new Ended(TaskRows.instant(rs, "run_at"), TaskRows.instant(rs, "finished_at"), p);
    }
    return answers;
  }
}
