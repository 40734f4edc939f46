package io.ffmpegqueue.examples.service;

import io.ffmpegqueue.examples.config.ConfigException;
import io.ffmpegqueue.examples.config.ServiceConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.postgres.DatabaseUrl;
import io.ffmpegqueue.postgres.PostgresQueueBackend;
import io.ffmpegqueue.redis.RedisQueueBackend;
import io.ffmpegqueue.spi.QueueBackend;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** The backends this build knows, by their {@code QUEUE_BACKEND} name. */
public final class Backends {
  /** Every backend factory; a new backend adds its own here. */
  public static final List<BackendFactory> ALL = List.of(new Memory(), new Postgres(), new Redis());

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

  /**
   * Redis 7: tasks shared by every process on the Redis named by {@code REDIS_URL}
   * ({@code redis://[user:pass@]host:port/db}, {@code rediss://} for TLS; with {@code REDIS_CLUSTER=true} a seed
   * node of a cluster). As durable as the server's persistence settings: {@code /health} warns without AOF.
   */
  static final class Redis implements BackendFactory {
    @Override
    public String name() {
      return "redis";
    }

    @Override
    public boolean shared() {
      return true;
    }

    @Override
    public QueueBackend create(ServiceConfig config, ProcessLoad load) {
      String url = config.variable("REDIS_URL");
      if (url == null) {
        throw new ConfigException("REDIS_URL", "is required when QUEUE_BACKEND=redis");
      }
      String cluster = config.variable("REDIS_CLUSTER");
      if (cluster != null && !cluster.equals("true") && !cluster.equals("false")) {
        throw new ConfigException("REDIS_CLUSTER", "'" + cluster + "' is not true or false");
      }
      try {
        RedisQueueBackend backend = RedisQueueBackend.builder(url).cluster("true".equals(cluster))
            .capacity(config.maxQueue()).build();
        backend.durability().warning().ifPresent(w -> LoggerFactory.getLogger(Backends.class).warn("{}", w));
        return backend;
      } catch (IllegalArgumentException e) {
        throw new ConfigException("REDIS_URL", String.valueOf(e.getMessage())); // never shows the password
      }
    }
  }
}
