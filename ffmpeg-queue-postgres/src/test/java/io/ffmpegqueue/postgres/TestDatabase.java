package io.ffmpegqueue.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server from the embedded binaries, on a random loopback port, with its data in a
 * temporary folder: one per test class. It can be restarted on the same port and data, and hands out pools
 * and fresh schemas.
 */
final class TestDatabase implements AutoCloseable {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();

  private final Path dataDir;
  private final int port;
  private final List<HikariDataSource> pools = new ArrayList<>();
  private EmbeddedPostgres server;

  private TestDatabase(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  static TestDatabase start() {
    try {
      TestDatabase db = new TestDatabase(Files.createTempDirectory("ffq-pg-"), freePort());
      db.startServer();
      return db;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startServer() throws IOException {
    server = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setServerConfig("max_connections", "200")
        .setServerConfig("fsync", "off")
        .setServerConfig("synchronous_commit", "off")
        .setServerConfig("full_page_writes", "off")
        .start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  int port() {
    return port;
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
  }

  /** A new pool of up to {@code size} connections, closed with the database. */
  HikariDataSource pool(int size) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(jdbcUrl());
    c.setMaximumPoolSize(size);
    c.setMinimumIdle(1);
    c.setConnectionTimeout(15_000); // generous: a loaded CI machine is slow, and a test fails on a timeout
    c.setInitializationFailTimeout(-1);
    c.setPoolName("test-" + SCHEMAS.get());
    HikariDataSource ds = new HikariDataSource(c);
    synchronized (pools) {
      pools.add(ds);
    }
    return ds;
  }

  /** A schema name not used before in this JVM. */
  static String newSchema() {
    return "t" + SCHEMAS.incrementAndGet();
  }

  /** Runs one statement on a new connection. */
  void execute(String sql) {
    try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** Stops the server (fast shutdown: clients are cut off) and starts it again on the same port and data. */
  void restart() {
    try {
      server.close();
      startServer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (pools) {
      pools.forEach(HikariDataSource::close);
    }
    try {
      server.close();
    } finally {
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * One database and one pool for a test class, started before its first test and stopped after its last:
   * {@code @RegisterExtension static final TestDatabase.PerClass DB = new TestDatabase.PerClass(20);}.
   */
  static final class PerClass implements BeforeAllCallback, AfterAllCallback {
    private final int poolSize;
    private TestDatabase db;
    private HikariDataSource pool;

    PerClass(int poolSize) {
      this.poolSize = poolSize;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
      db = start();
      pool = db.pool(poolSize);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
      db.close();
    }

    TestDatabase db() {
      return db;
    }

    HikariDataSource pool() {
      return pool;
    }

    /** The first column of the one row {@code sql} returns (a count, a size...), read through the pool. */
    long queryLong(String sql) {
      try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        if (!rs.next()) {
          throw new IllegalStateException(sql + ": no row");
        }
        return rs.getLong(1);
      } catch (SQLException e) {
        throw new IllegalStateException(sql + ": " + e.getMessage(), e);
      }
    }
  }
}
