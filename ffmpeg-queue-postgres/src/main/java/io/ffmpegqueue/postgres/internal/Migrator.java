package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.FfmpegQueueException;
import io.ffmpegqueue.postgres.PostgresSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema to {@link PostgresSchema#LATEST_VERSION}: under an advisory lock (so processes that start
 * together migrate once), the missing migrations run in one transaction, each with the insert that records
 * it. Running it again changes nothing.
 */
public final class Migrator {
  private static final Logger log = LoggerFactory.getLogger(Migrator.class);

  private final DataSource dataSource;
  private final String schema;
  private final String prefix;

  /** A migrator for the tables of {@code schema} and {@code prefix}. */
  public Migrator(DataSource dataSource, String schema, String prefix) {
    this.dataSource = dataSource;
    this.schema = schema;
    this.prefix = prefix;
  }

  private String lockKey() {
    return "ffmpeg-queue-migrate:" + schema + "." + prefix;
  }

  /**
   * Migrates the tables when {@code migrate} is set, or else checks that they are at
   * {@link PostgresSchema#LATEST_VERSION}.
   *
   * @throws FfmpegQueueException when the database cannot be reached or its tables are not as needed
   */
  public void migrateOrCheck(boolean migrate) {
    if (migrate) {
      migrate();
      return;
    }
    int version = version();
    if (version != PostgresSchema.LATEST_VERSION) {
      throw new FfmpegQueueException("PostgreSQL: the ffmpeg-queue tables in schema '" + schema + "' (prefix '"
          + prefix + "') are at version " + version + ", but this library needs version "
          + PostgresSchema.LATEST_VERSION + "; apply PostgresSchema.migrations(...) or build with migrate(true)");
    }
  }

  /**
   * Applies the missing migrations, all in one transaction that first takes a transaction-level advisory
   * lock: processes that start together wait for the first, then find nothing to do. (A transaction lock,
   * unlike a session lock, also holds behind a transaction-pooling PgBouncer.)
   */
  public void migrate() {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
          ps.setString(1, lockKey());
          ps.execute();
        }
        migrateLocked(c);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new FfmpegQueueException("PostgreSQL: could not migrate the ffmpeg-queue tables in schema '" + schema
          + "' (prefix '" + prefix + "'): " + e.getMessage() + " [SQLState " + e.getSQLState() + "]", e);
    }
  }

  private void migrateLocked(Connection c) throws SQLException {
    if (!schemaExists(c)) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA " + schema);
      }
      log.info("creating schema {}", schema);
    }
    int current = version(c);
    if (current > PostgresSchema.LATEST_VERSION) {
      throw new FfmpegQueueException("PostgreSQL: the ffmpeg-queue tables in schema '" + schema + "' are at version "
          + current + ", newer than this library's " + PostgresSchema.LATEST_VERSION
          + "; upgrade ffmpeg-queue-postgres in this process");
    }
    for (PostgresSchema.Migration m : PostgresSchema.migrations(schema, prefix)) {
      if (m.version() <= current) {
        continue;
      }
      try (Statement s = c.createStatement()) {
        s.execute(m.sql());
      }
      log.info("applying ffmpeg-queue migration {} ({}) to {}.{}*", m.version(), m.description(), schema, prefix);
    }
  }

  private boolean schemaExists(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** The schema's version: 0 when the tables are not there. */
  public int version() {
    try (Connection c = dataSource.getConnection()) {
      return version(c);
    } catch (SQLException e) {
      throw new FfmpegQueueException("PostgreSQL: could not read the ffmpeg-queue schema version in schema '"
          + schema + "': " + e.getMessage() + " [SQLState " + e.getSQLState() + "]", e);
    }
  }

  private int version(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, schema + "." + prefix + "schema_version");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return 0;
        }
      }
    }
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM " + schema + "." + prefix + "schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
