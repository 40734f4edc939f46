package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.FfmpegQueueException;
import io.ffmpegqueue.Task;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The backend's way to the database: a pooled connection per operation, errors as the library's exception. */
public final class Jdbc {
  private static final Logger log = LoggerFactory.getLogger(Jdbc.class);
  private static final String DEADLOCK = "40P01";
  private static final String SERIALIZATION_FAILURE = "40001";

  private final DataSource dataSource;

  /** Operations on connections from {@code dataSource}. */
  public Jdbc(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Work on one connection. */
  @FunctionalInterface
  public interface Work<T> {
    /** Does the work. */
    T apply(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} on a pooled connection: in one transaction when {@code transaction} is set (or the pool
   * hands out connections without autocommit), each statement committing by itself otherwise.
   *
   * @param what what is being done, for the error message ("claim tasks")
   * @throws FfmpegQueueException saying what failed and why
   */
  public <T> T run(String what, boolean transaction, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      if (transaction && autoCommit) {
        c.setAutoCommit(false);
      }
      try {
        T result = work.apply(c);
        if (!c.getAutoCommit()) {
          c.commit();
        }
        return result;
      } catch (SQLException | RuntimeException e) {
        if (!c.getAutoCommit()) {
          try {
            c.rollback();
          } catch (SQLException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      } finally {
        if (c.getAutoCommit() != autoCommit) {
          c.setAutoCommit(autoCommit);
        }
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /**
   * Runs {@code work} on {@code c} and, when {@code c} is in autocommit mode, runs it again, up to {@code attempts}
   * times in all, when the server aborted it for a deadlock with another transaction (SQLState 40P01) or a
   * serialization failure (40001): PostgreSQL's own advice for these two errors. {@code work} must be one
   * transaction (one statement, or statements sent as one string, which autocommit runs as one) that is free to
   * run again, since the server rolled all of it back. Without autocommit the aborted transaction may hold earlier work, so the
   * error is thrown at once.
   *
   * @param what what is being done, for the log ("finish 3 tasks")
   */
  public static <T> T againOnConflict(Connection c, String what, int attempts, Work<T> work) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        return work.apply(c);
      } catch (SQLException e) {
        boolean conflict = DEADLOCK.equals(e.getSQLState()) || SERIALIZATION_FAILURE.equals(e.getSQLState());
        if (!conflict || attempt >= attempts || !c.getAutoCommit()) {
          throw e;
        }
        log.info("PostgreSQL: could not {}: {} [SQLState {}]; running it again ({} of {})", what, e.getMessage(),
            e.getSQLState(), attempt + 1, attempts);
        try {
          // A few ms, rarely the same for both: the other transaction of the conflict has usually ended by then.
          Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L * attempt + 1));
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** The library's exception for a failed operation; no credentials are in a driver's message. */
  public static FfmpegQueueException failure(String what, SQLException e) {
    return new FfmpegQueueException("PostgreSQL: could not " + what + ": " + e.getMessage()
        + (e.getSQLState() == null ? "" : " [SQLState " + e.getSQLState() + "]"), e);
  }

  /** The task in the first row of {@code statement}'s result (selected with {@link Statements#COLUMNS}), if any. */
  public static Optional<Task> queryOne(Connection c, String statement, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(statement)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(TaskRows.task(rs)) : Optional.empty();
      }
    }
  }

  /** The boolean in the first column of the first row, false when there is none. */
  public static boolean queryBoolean(Connection c, String statement, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(statement)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  /** The number in the first column of the first row. */
  public static long queryLong(Connection c, String statement) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(statement); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Sets the parameters in order. */
  public static void bind(PreparedStatement ps, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      ps.setObject(i + 1, params[i]);
    }
  }
}
