package io.ffmpegqueue.postgres.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code VACUUM} of the tasks table after every so many rows this process claimed, on a thread of its own.
 *
 * <p>Why the backend does this itself: a claim leaves the ready index's entries of the rows it took dead at
 * the head of the index, and every later claim steps over all of them (in each tenant's range) until a
 * VACUUM removes them. Measured: 0.2 ms a claim of 8 rows just after a VACUUM, 7.7 ms after 200,000 claimed
 * rows. Autovacuum visits a database at most once per {@code autovacuum_naptime} (a minute by default), which
 * at thousands of tasks a second lets hundreds of thousands of dead entries pile up whatever the table's
 * thresholds. One VACUUM of a table of 200,000 rows took 70 to 100 ms.
 *
 * <p>{@code SKIP_LOCKED} (PostgreSQL 12 and later): when autovacuum or another process is vacuuming the table
 * this one is skipped, not queued. A database user that does not own the table gets a warning from the server
 * instead of a vacuum; that is logged once and the vacuums stop.
 */
public final class Vacuums implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Vacuums.class);

  private final DataSource dataSource;
  private final String table;
  private final long every;
  private final AtomicLong claimed = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicReference<Statement> current = new AtomicReference<>();
  private final ExecutorService thread;
  private volatile boolean stopped;

  /** Vacuums of {@code table} (qualified, validated) after every {@code every} claimed rows; 0: never. */
  public Vacuums(DataSource dataSource, String table, int every) {
    this.dataSource = dataSource;
    this.table = table;
    this.every = every;
    this.stopped = every == 0;
    this.thread = every == 0 ? null : Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ffq-postgres-vacuum");
      t.setDaemon(true);
      return t;
    });
  }

  /** Counts {@code rows} claimed rows; starts a vacuum when enough have been since the last one began. */
  public void claimed(int rows) {
    if (stopped || rows == 0 || claimed.addAndGet(rows) < every || !running.compareAndSet(false, true)) {
      return;
    }
    claimed.set(0);
    try {
      thread.execute(this::vacuum);
    } catch (RuntimeException e) { // closed meanwhile
      running.set(false);
    }
  }

  private void vacuum() {
    long start = System.nanoTime();
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      // VACUUM cannot run inside a transaction block.
      if (!autoCommit) {
        c.setAutoCommit(true);
      }
      try (Statement s = c.createStatement()) {
        current.set(s);
        if (!stopped) {
          // SKIP_LOCKED and INDEX_CLEANUP came with PostgreSQL 12; before, a plain VACUUM (which makes a running
          // autovacuum of the table give way) is all there is.
          s.execute(c.getMetaData().getDatabaseMajorVersion() >= 12
              ? "VACUUM (SKIP_LOCKED, INDEX_CLEANUP ON) " + table : "VACUUM " + table);
          warnings(s.getWarnings());
        }
      } finally {
        current.set(null);
        if (!autoCommit) {
          c.setAutoCommit(false);
        }
      }
      log.debug("vacuumed {} in {} ms", table, (System.nanoTime() - start) / 1_000_000);
    } catch (SQLException e) {
      if (!stopped) {
        log.warn("PostgreSQL: could not vacuum {}: {} [SQLState {}]; claims slow down until (auto)vacuum runs",
            table, e.getMessage(), e.getSQLState());
      }
    } finally {
      running.set(false);
    }
  }

  private void warnings(SQLWarning w) {
    for (; w != null; w = w.getNextWarning()) {
      // Only the table's owner may vacuum it ("only table or database owner can vacuum it" up to PostgreSQL 15,
      // "permission denied to vacuum" since 16). Telling once is enough; the vacuums stop. Other warnings (a
      // vacuum skipped because another holds the table) change nothing.
      String m = String.valueOf(w.getMessage());
      if (m.contains("owner") || m.contains("permission denied")) {
        stopped = true;
        log.warn("PostgreSQL: the database user may not vacuum {} ({}); the backend stops vacuuming it. Either"
            + " let the backend's user own the table or turn this off with vacuumEvery(0) and tune autovacuum"
            + " (see docs/postgres.md, Tuning)", table, m);
      }
    }
  }

  /** Stops: a vacuum under way is cancelled. */
  @Override
  public void close() {
    stopped = true;
    if (thread != null) {
      thread.shutdown();
      Statement s = current.get();
      if (s != null) {
        try {
          s.cancel();
        } catch (SQLException e) {
          // It ends with its connection anyway.
        }
      }
    }
  }
}
