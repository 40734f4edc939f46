package io.ffmpegqueue.examples.service;

import io.ffmpegqueue.examples.config.ConfigException;
import io.ffmpegqueue.examples.config.ServiceConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.postgres.DatabaseUrl;
import io.ffmpegqueue.postgres.PostgresQueueBackend;
import io.ffmpegqueue.spi.QueueBackend;
import java.util.List;
import java.util.stream.Collectors;

/** The backends this build knows, by their {@code QUEUE_BACKEND} name. */
public final class Backends {
  /** Every backend factory; a new backend adds its own here. */
  public static final List<BackendFactory> ALL = List.of(new Memory(), new Postgres());

  private Backends() {}

  /**
   * The factory named {@code name}.
   *
   * @throws ConfigException naming {@code QUEUE_BACKEND} when no backend has that name
   */
  public static BackendFactory forName(String name) {
    for (BackendFactory f : ALL) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new ConfigException("QUEUE_BACKEND", "unknown backend '" + name + "'; this build has: "
        + ALL.stream().map(BackendFactory::name).collect(Collectors.joining(", ")));
  }

  /** The in-memory backend: this process only, lost when it exits; {@code MAX_QUEUE} is its capacity. */
  static final class Memory implements BackendFactory {
    @Override
    public String name() {
      return "memory";
    }

    @Override
    public boolean shared() {
      return false;
    }

    @Override
    public QueueBackend create(ServiceConfig config, ProcessLoad load) {
      return InMemoryQueueBackend.builder().capacity(config.maxQueue()).build();
    }
  }

  /**
   * PostgreSQL: tasks shared by every process on the database named by {@code DATABASE_URL}
   * ({@code postgresql://user:pass@host:port/db} or a JDBC URL), durable across restarts.
   */
  static final class Postgres implements BackendFactory {
    @Override
    public String name() {
      return "postgres";
    }

    @Override
    public boolean shared() {
      return true;
    }

    @Override
    public QueueBackend create(ServiceConfig config, ProcessLoad load) {
      HikariDataSource ds = new HikariDataSource(poolConfig(config, load));
      try {
        QueueBackend backend = PostgresQueueBackend.builder(ds).capacity(config.maxQueue()).build();
        return new ClosingBackend(backend, ds);
      } catch (RuntimeException e) {
        ds.close();
        throw e;
      }
    }

    /** The pool of {@code DATABASE_URL}, sized for what the process does ({@link ProcessLoad#databaseConnections}). */
    static HikariConfig poolConfig(ServiceConfig config, ProcessLoad load) {
      String url = config.variable("DATABASE_URL");
      if (url == null) {
        throw new ConfigException("DATABASE_URL", "is required when QUEUE_BACKEND=postgres");
      }
      DatabaseUrl db;
      try {
        db = DatabaseUrl.parse(url);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("DATABASE_URL", String.valueOf(e.getMessage())); // never shows the password
      }
      HikariConfig hc = new HikariConfig();
      hc.setJdbcUrl(db.jdbcUrl());
      hc.setUsername(db.user());
      hc.setPassword(db.password());
      hc.setPoolName("ffq-db");
      hc.setMaximumPoolSize(load.databaseConnections());
      hc.setInitializationFailTimeout(-1); // start even while the database is still coming up
      return hc;
    }
  }
}
