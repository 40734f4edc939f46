package io.ffmpegqueue.postgres;

import static io.ffmpegqueue.postgres.PostgresQueueBackend.DEFAULT_CAPACITY;
import static io.ffmpegqueue.postgres.PostgresQueueBackend.DEFAULT_POLL_INTERVAL;
import static io.ffmpegqueue.postgres.PostgresQueueBackend.DEFAULT_RETENTION_AGE;
import static io.ffmpegqueue.postgres.PostgresQueueBackend.DEFAULT_RETENTION_COUNT;
import static io.ffmpegqueue.postgres.PostgresQueueBackend.DEFAULT_SCHEMA;
import static io.ffmpegqueue.postgres.PostgresQueueBackend.DEFAULT_TABLE_PREFIX;
import static io.ffmpegqueue.postgres.PostgresQueueBackend.DEFAULT_VACUUM_EVERY;

import io.ffmpegqueue.postgres.internal.Identifiers;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.support.Checks;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The options of {@link PostgresQueueBackend.Builder}: where the tables are, the queue's limits, vacuuming,
 * polling and listening.
 *
 * @param <B> the concrete builder
 */
public abstract class PostgresOptions<B extends PostgresOptions<B>> {
  final DataSource dataSource;
  DataSource listenerDataSource;
  String schema = DEFAULT_SCHEMA;
  String prefix = DEFAULT_TABLE_PREFIX;
  int capacity = DEFAULT_CAPACITY;
  Duration retentionAge = DEFAULT_RETENTION_AGE;
  int retentionCount = DEFAULT_RETENTION_COUNT;
  int vacuumEvery = DEFAULT_VACUUM_EVERY;
  Duration pollInterval = DEFAULT_POLL_INTERVAL;
  boolean migrate = true;
  boolean notifications = true;
  InstantSource clock = InstantSource.system();

  PostgresOptions(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  abstract B self();

  /** The schema of the tables; made when missing. Default {@code public}. */
  public B schema(String schema) {
    this.schema = Identifiers.checkSchema(schema);
    return self();
  }

  /** The prefix of the table names, so several queues can share a schema. Default {@code ffq_}. */
  public B tablePrefix(String prefix) {
    this.prefix = Identifiers.checkPrefix(prefix);
    return self();
  }

  /**
   * The most pending tasks; past it, enqueue is refused with {@code QUEUE_FULL}. Default 10,000. Exact within
   * a process; across processes it may be passed by about a second's worth of other processes' enqueues.
   */
  public B capacity(int capacity) {
    this.capacity = Checks.atLeastOne(capacity, "capacity");
    return self();
  }

  /** How long final tasks are kept. Default 24 hours. */
  public B retentionAge(Duration age) {
    this.retentionAge = Checks.nonNegative(age, "retentionAge");
    return self();
  }

  /** How many final tasks are kept at most. Default 100,000. */
  public B retentionCount(int count) {
    this.retentionCount = Checks.nonNegative(count, "retentionCount");
    return self();
  }

  /**
   * After how many tasks this process claimed it runs {@code VACUUM} on the tasks table (on a thread of its
   * own, skipped while another vacuum holds the table); 0 leaves vacuuming to autovacuum. Default 10,000.
   *
   * <p>Each claim steps over the ready index's entries of the rows claimed since the table's last vacuum,
   * and autovacuum comes by at most once a minute (its {@code autovacuum_naptime}), so at thousands of
   * tasks a second claims would slow down tenfold or more between its visits. The database user must own
   * the table (the backend's migrations make it so); if it does not, the backend logs a warning once and
   * stops vacuuming.
   */
  public B vacuumEvery(int tasks) {
    this.vacuumEvery = Checks.nonNegative(tasks, "vacuumEvery");
    return self();
  }

  /**
   * How often a waiting claim looks for work although no notice came: the safety net under
   * LISTEN/NOTIFY. Default 5 s (1 s at most while the listening connection is down).
   */
  public B pollInterval(Duration interval) {
    this.pollInterval = Checks.positive(interval, "pollInterval");
    return self();
  }

  /**
   * Whether {@code build()} applies the missing migrations (default). With {@code false} it only checks
   * that the tables are at {@link PostgresSchema#LATEST_VERSION}, for teams that run
   * {@link PostgresSchema#migrations} with their own tool.
   */
  public B migrate(boolean migrate) {
    this.migrate = migrate;
    return self();
  }

  /**
   * Whether to LISTEN for notices (default): idle workers wake within milliseconds of an enqueue, and
   * cancels and remote events arrive. Without, workers find work by polling only.
   */
  public B notifications(boolean on) {
    this.notifications = on;
    return self();
  }

  /**
   * Where the one long-lived listening connection comes from. Default the main DataSource (it then holds
   * one of the pool's connections for good); give a separate, unpooled one to keep the pool whole or
   * when the pool sits behind a transaction-mode PgBouncer, where LISTEN does not work.
   */
  public B listenerDataSource(DataSource dataSource) {
    this.listenerDataSource = Objects.requireNonNull(dataSource, "dataSource");
    return self();
  }

  /**
   * The clock that retry times ({@link Outcome.Failed#retryAt()}) and run times were computed on; only the
   * delay from its now carries over to the database's clock. Default the system clock.
   */
  public B clock(InstantSource clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return self();
  }
}
