package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.spi.Lease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The ends of attempts, written by group commit ({@link Batcher}): the finishes that worker threads make while
 * another batch is being written go together into one {@code UPDATE ... FROM unnest(...)}, fenced row by row
 * on each lease's attempt. Each caller returns once its row is committed, with its own answer.
 */
public final class Finishes {
  /** Most rows a statement. */
  static final int MAX_BATCH = 256;

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

  private final Jdbc db;
  private final Statements sql;
  private final Batcher<Ending, Ended> batcher = new Batcher<>(MAX_BATCH, this::write);

  /** Finishes on the tables of {@code sql}. */
  public Finishes(Jdbc db, Statements sql) {
    this.db = db;
    this.sql = sql;
  }

  /**
   * Ends an attempt, once the batch that carries it has committed.
   *
   * @return what the database decided, or null when the lease was not current (nothing was written)
   */
  public Ended finish(Ending e) {
    return batcher.submit(e);
  }

  /** Ends several attempts in one statement now, answering as {@link #finish} in their order. */
  public List<Ended> finishAll(List<Ending> batch) {
    return write(batch);
  }

  private List<Ended> write(List<Ending> batch) {
    String what = batch.size() == 1 ? "finish task " + batch.get(0).lease().taskId()
        : "finish " + batch.size() + " tasks";
    Ended[] answers = db.run(what, false, c -> write(c, batch));
    return Arrays.asList(answers);
  }

  private Ended[] write(Connection c, List<Ending> batch) throws SQLException {
    int n = batch.size();
    Integer[] ords = new Integer[n];
    String[] ids = new String[n];
    Integer[] attempts = new Integer[n];
    String[] statuses = new String[n];
    String[] outputs = new String[n];
    String[] errors = new String[n];
    Long[] delays = new Long[n];
    for (int i = 0; i < n; i++) {
      Ending e = batch.get(i);
      ords[i] = i;
      ids[i] = e.lease().taskId().value();
      attempts[i] = e.lease().attempt();
      statuses[i] = e.status();
      outputs[i] = e.outputs();
      errors[i] = e.error();
      delays[i] = e.delayMillis();
    }
    Ended[] answers = new Ended[n];
    try (PreparedStatement ps = c.prepareStatement(sql.plannedFinish())) {
      ps.setArray(1, c.createArrayOf("integer", ords));
      ps.setArray(2, c.createArrayOf("text", ids));
      ps.setArray(3, c.createArrayOf("integer", attempts));
      ps.setArray(4, c.createArrayOf("text", statuses));
      ps.setArray(5, c.createArrayOf("text", outputs));
      ps.setArray(6, c.createArrayOf("text", errors));
      ps.setArray(7, c.createArrayOf("bigint", delays));
      ps.execute(); // the plan settings, then the update
      if (!ps.getMoreResults()) {
        throw new SQLException("the finish returned no rows");
      }
      try (ResultSet rs = ps.getResultSet()) {
        while (rs.next()) {
          int ord = rs.getInt(1);
          double progress = rs.getDouble(4);
          Double p = rs.wasNull() ? null : progress;
          answers[ord] = new Ended(TaskRows.instant(rs, "run_at"), TaskRows.instant(rs, "finished_at"), p);
        }
      }
    }
    return answers;
  }
}
