package io.ffmpegqueue.postgres;

import io.ffmpegqueue.FfmpegQueueException;
import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskRejectedException;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.spi.DueWebhook;
import io.ffmpegqueue.spi.MessageOutbox;
import io.ffmpegqueue.spi.WebhookOutbox;
import io.ffmpegqueue.postgres.internal.BoundConnections;
import io.ffmpegqueue.postgres.internal.Webhooks;
import io.ffmpegqueue.postgres.internal.TaskReads;
import io.ffmpegqueue.postgres.internal.Renewals;
import io.ffmpegqueue.postgres.internal.Cancels;
import io.ffmpegqueue.postgres.internal.AttemptEnd;
import io.ffmpegqueue.postgres.internal.CapacityGate;
import io.ffmpegqueue.postgres.internal.Claims;
import io.ffmpegqueue.postgres.internal.Continuations;
import io.ffmpegqueue.postgres.internal.Enqueuer;
import io.ffmpegqueue.postgres.internal.Jdbc;
import io.ffmpegqueue.postgres.internal.Messages;
import io.ffmpegqueue.postgres.internal.Migrator;
import io.ffmpegqueue.postgres.internal.NotificationListener;
import io.ffmpegqueue.postgres.internal.NoticeBuffer;
import io.ffmpegqueue.postgres.internal.PostgresGraph;
import io.ffmpegqueue.postgres.internal.RemoteNotices;
import io.ffmpegqueue.postgres.internal.Statements;
import io.ffmpegqueue.postgres.internal.Upkeep;
import io.ffmpegqueue.postgres.internal.Vacuums;
import io.ffmpegqueue.postgres.internal.WakeUps;
import io.ffmpegqueue.postgres.internal.WorkerWrites;
import io.ffmpegqueue.spi.BackendListener;
import io.ffmpegqueue.spi.CancelResult;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Enqueued;
import io.ffmpegqueue.spi.Handover;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.LeaseLostException;
import io.ffmpegqueue.spi.LeaseState;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.Renewal;
import io.ffmpegqueue.spi.TaskGraphs;
import io.ffmpegqueue.spi.TaskAdmin;
import io.ffmpegqueue.spi.WorkerRegistry;
import io.ffmpegqueue.spi.TaskContinuations;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The shared backend: tasks in PostgreSQL, so that an API process and any number of worker processes on
 * other machines use one queue, and tasks survive restarts. It takes the host's {@link DataSource} (a pool
 * such as HikariCP) and makes its own tables on start (see {@link PostgresSchema}).
 *
 * <pre>{@code
 * HikariDataSource ds = new HikariDataSource(config);
 * try (PostgresQueueBackend backend = PostgresQueueBackend.builder(ds).build();
 *      FfmpegQueue queue = FfmpegQueue.builder().backend(backend).workers(4).build()) {
 *   queue.submit(request);
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>Claim</b> is one statement: a CTE picks the ready rows in turn order with
 *       {@code FOR UPDATE SKIP LOCKED}, limited to the workers' free slots, and an {@code UPDATE} leases them.
 *   <li><b>Group commit</b>: the ends and claims that a process's worker threads make while a round trip is
 *       under way go together into the next one (one transaction); each thread returns once it has
 *       committed, with its own answer. A worker ends a task and takes its next in one call
 *       ({@link #finishAndClaim}).
 *   <li><b>Wake-up</b>: an enqueue leads to a {@code NOTIFY} (a process gathers its notices, at most one
 *       batch per 5 ms); one connection per backend LISTENs (and reconnects), so an idle worker starts new
 *       work within milliseconds. A slow poll is the safety net.
 *   <li><b>Leases</b> are judged on the database's clock ({@code now()}), never a worker's. Every write of a
 *       running task checks its lease's fencing token ({@link Lease#fence()}); completion and its outputs are
 *       one statement.
 *   <li><b>Across processes</b>: cancels, and tasks started or ended elsewhere, reach the queue's listeners
 *       through {@link #addListener}, so a cancel stops the owning worker's ffmpeg at once.
 *   <li><b>Transactional enqueue</b>: {@link #enqueue(Connection, Task)} and {@link #inTransaction} store
 *       a task in the host's own transaction; it exists only if that commits.
 *   <li><b>Vacuum</b>: after every {@link Builder#vacuumEvery} tasks it claimed, a process vacuums the tasks
 *       table on a thread of its own, so that the dead index entries that claims leave behind do not slow
 *       the next claims down between autovacuum's visits.
 *   <li><b>Webhooks</b>: the statement that ends a task with a webhook URL (finish, cancel, reap) also stores
 *       its delivery, so a process that dies right after cannot lose it; any process with webhooks turned on
 *       sends it. Messages to other systems ({@link #messageOutbox()}) are kept in a table beside it.
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} stops the listening connection; the DataSource stays the host's.
 */
public final class PostgresQueueBackend implements QueueBackend, WebhookOutbox, TaskContinuations {
  /** The default schema. */
  public static final String DEFAULT_SCHEMA = "public";
  /** The default prefix of the table names. */
  public static final String DEFAULT_TABLE_PREFIX = "ffq_";
  /** The default most pending tasks, as the in-memory backend. */
  public static final int DEFAULT_CAPACITY = 10_000;
  /** The default retention age of final tasks, as the in-memory backend. */
  public static final Duration DEFAULT_RETENTION_AGE = Duration.ofHours(24);
  /** The default most final tasks kept, as the in-memory backend. */
  public static final int DEFAULT_RETENTION_COUNT = 100_000;
  /** The default number of claimed tasks after which the backend vacuums its table. */
  public static final int DEFAULT_VACUUM_EVERY = 10_000;
  /** The default safety-net poll while waiting for work. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);

  // While notices are down, claimers poll at least this often.
  private static final long UNHEARD_POLL_NANOS = Duration.ofSeconds(1).toNanos();
  // At most one batch of notices per this time from a process.
  private static final long NOTICE_WINDOW_NANOS = Duration.ofMillis(5).toNanos();
  // A claimer that found rows due but taken by others looks again after this.
  private static final long MIN_RECHECK_NANOS = Duration.ofMillis(25).toNanos();

  private final Jdbc db;
  private final Enqueuer enqueuer;
  private final Statements sql;
  private final Claims claims;
  private final Vacuums vacuums;
  private final WorkerWrites writes;
  private final Upkeep upkeep;
  private final long pollNanos;
  private final InstantSource clock;
  private final WakeUps wakeUps = new WakeUps();
  private final RemoteNotices notices;
  private final NoticeBuffer buffer;
  private final NotificationListener listener;
  private final BoundConnections bound = new BoundConnections();
  private final Webhooks webhooks;
  private final Messages messages;
  private final TaskReads reads;
  private final PostgresGraph graph;
  private final Renewals renewals;
  private final Cancels cancels;
  private final Continuations continuations;

  private PostgresQueueBackend(Builder b) {
    this.db = new Jdbc(b.dataSource);
    this.sql = new Statements(b.schema, b.prefix);
    this.vacuums = new Vacuums(b.dataSource, sql.table(), b.vacuumEvery);
    this.claims = new Claims(sql, vacuums);
    this.writes = new WorkerWrites(db, sql, claims, this::webhookDue);
    this.upkeep = new Upkeep(db, sql, b.retentionAge, b.retentionCount);
    this.webhooks = new Webhooks(db, b.schema, b.prefix);
    this.messages = new Messages(db, b.schema, b.prefix);
    this.graph = new PostgresGraph(b.schema, b.prefix);
    this.reads = new TaskReads(db, sql, graph);
    this.cancels = new Cancels(db, sql);
    this.pollNanos = b.pollInterval.toNanos();
    this.clock = b.clock;
    String origin = UUID.randomUUID().toString().substring(0, 8);
    this.notices = new RemoteNotices(origin, wakeUps);
    this.buffer = new NoticeBuffer(origin, NOTICE_WINDOW_NANOS, NoticeBuffer.sender(db, sql));
    this.renewals = new Renewals(db, sql, buffer);
    this.continuations = new Continuations(db, sql, graph, reads, buffer, wakeUps, b.schema, b.prefix);
    this.enqueuer = new Enqueuer(sql, new CapacityGate(b.capacity), b.clock, notices.readyAtCommit(), graph);
    this.listener = b.notifications
        ? new NotificationListener(b.listenerDataSource != null ? b.listenerDataSource : b.dataSource,
            sql.channel(), notices::accept, wakeUps::wakeAll)
        : null;
  }

  /** A builder for a backend on {@code dataSource}, which stays the host's to close. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  private PostgresQueueBackend start() {
    if (listener != null) {
      listener.start();
    }
    return this;
  }

  // ---- enqueue ----

  /**
   * Stores a new PENDING task through this backend's DataSource, or, inside {@link #inTransaction}, through
   * the host's connection.
   */
  @Override
  public Enqueued enqueue(Task task) {
    Connection c = bound.current();
    if (c != null) {
      return enqueue(c, task);
    }
    // A task that waits for others is stored in a transaction: its parents stay locked until its edges are in.
    Enqueued e = db.run("enqueue task " + task.id(), enqueuer.exactCountNeeded() || !task.dependsOn().isEmpty(),
        conn -> enqueuer.insert(conn, task, false));
    if (e.created()) {
      wakeUps.wakeAll();
      buffer.ready();
    }
    return e;
  }

  /**
   * Stores a new PENDING task in the host's own transaction on {@code connection}: it is there for other
   * processes, and workers hear of it, only when the host commits; a rollback leaves nothing. The
   * connection's transaction is left open (nor committed, nor rolled back). The task is not validated here;
   * to enqueue through the queue's validation, use {@link #inTransaction}.
   *
   * @throws TaskRejectedException as QUEUE_FULL when the queue is at capacity
   */
  public Enqueued enqueue(Connection connection, Task task) {
    Objects.requireNonNull(connection, "connection");
    try {
      // Always its own notice: when the host commits is not ours to know.
      return enqueuer.insert(connection, task, true);
    } catch (SQLException e) {
      throw Jdbc.failure("enqueue task " + task.id(), e);
    }
  }

  /**
   * Runs {@code work} with every {@link #enqueue(Task)} it makes on this thread going through
   * {@code connection}, so in the host's transaction on it. This lets the queue's own {@code submit} (with
   * its validation) join the host's transaction:
   *
   * <pre>{@code
   * connection.setAutoCommit(false);
   * insertOrder(connection, order);
   * Submission s = backend.inTransaction(connection, () -> queue.submit(request));
   * connection.commit(); // the task exists from now on; a rollback instead leaves nothing
   * }</pre>
   *
   * In-process listeners hear of the submission at once, even if the host later rolls back.
   *
   * @return what {@code work} returned
   */
  public <T> T inTransaction(Connection connection, Supplier<T> work) {
    return bound.with(connection, work);
  }

  // ---- claim and leases ----

  @Override
  public List<Lease> claim(ClaimRequest request) throws InterruptedException {
    long deadline = System.nanoTime() + request.maxWait().toNanos();
    while (true) {
      long seen = wakeUps.generation();
      List<Lease> leases = writes.claim(request);
      for (Lease l : leases) {
        buffer.event(TaskEvent.Type.STARTED, l.taskId());
      }
      long left = deadline - System.nanoTime();
      if (!leases.isEmpty() || left <= 0) {
        return leases;
      }
      long poll = listener != null && listener.isConnected() ? pollNanos : Math.min(pollNanos, UNHEARD_POLL_NANOS);
      long wait = Math.min(left, poll);
      Long dueMillis = db.run("look for delayed tasks", false, claims::nextDueMillis);
      if (dueMillis != null) {
        wait = Math.min(wait, Math.max(MIN_RECHECK_NANOS, dueMillis * 1_000_000L));
      }
      wakeUps.await(seen, wait);
    }
  }

  @Override
  public LeaseState renew(Renewal renewal) {
    return renewals.renew(renewal);
  }

  @Override
  public Task finish(Lease lease, Outcome outcome) {
    if (outcome instanceof Outcome.Await a) {
      return continuations.finish(lease, a, webhookDue());
    }
    AttemptEnd e = AttemptEnd.of(lease, outcome, clock.instant());
    Task after = e.after(writes.finish(e.row()), buffer, wakeUps);
    if (after == null) {
      throw new LeaseLostException(lease.taskId(), lease.attempt());
    }
    return after;
  }

  /** Ends the attempt and claims the next tasks in one round trip (one transaction). */
  @Override
  public Handover finishAndClaim(Lease lease, Outcome outcome, ClaimRequest next) {
    if (outcome instanceof Outcome.Await) {
      return new Handover(finish(lease, outcome), List.of());
    }
    AttemptEnd e = AttemptEnd.of(lease, outcome, clock.instant());
    WorkerWrites.Handover h = writes.finishAndClaim(e.row(), next);
    Task after = e.after(h.ended(), buffer, wakeUps);
    for (Lease l : h.leases()) {
      buffer.event(TaskEvent.Type.STARTED, l.taskId());
    }
    return new Handover(after, h.leases());
  }

  @Override
  public Optional<CancelResult> cancel(TaskId id) {
    Optional<CancelResult> result = cancels.cancel(id, webhookDue(), notices.cancel());
    result.filter(r -> r.changed() && r.task().status() == TaskStatus.CANCELLED)
        .ifPresent(r -> buffer.event(TaskEvent.Type.CANCELLED, id)); // after the commit, as every event
    return result;
  }

  /** When a webhook delivery stored now is due: at once, on the clock the notifier claims deliveries by. */
  private OffsetDateTime webhookDue() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  @Override
  public void updateWebhook(TaskId id, WebhookDelivery delivery) {
    webhooks.update(id, delivery);
  }

  @Override
  public Optional<WebhookDelivery> findWebhook(TaskId id) {
    return webhooks.find(id);
  }

  @Override
  public List<DueWebhook> claimDueWebhooks(Instant now, Duration holdFor, int limit) {
    return webhooks.claimDue(now, holdFor, limit);
  }

  @Override
  public Optional<MessageOutbox> messageOutbox() {
    return Optional.of(messages);
  }

  @Override
  public Optional<Task> find(TaskId id) {
    return reads.find(id);
  }

  @Override
  public List<Task> list(TaskQuery query) {
    return reads.list(query);
  }

  @Override
  public Map<TaskStatus, Long> counts() {
    return reads.counts();
  }

  @Override
  public long pendingCount() {
    return reads.pendingCount();
  }

  @Override
  public List<TaskId> dependents(TaskId parent) {
    return db.run("find the tasks that wait on " + parent, false, c -> graph.dependents(c, parent));
  }

  // ---- upkeep ----

  @Override
  public List<Task> reapExpiredLeases() {
    return upkeep.reap(webhookDue(), buffer, wakeUps);
  }

  /**
   * Removes final tasks past the retention age and count, in batches of a few hundred rows, each its own
   * short transaction, at most ten thousand per call. One process prunes at a time (a transaction-level
   * advisory lock per batch); the others skip the batch.
   */
  @Override
  public int prune() {
    return upkeep.prune();
  }

  @Override
  public Subscription addListener(BackendListener l) {
    Objects.requireNonNull(l, "listener");
    notices.add(l);
    return () -> notices.remove(l);
  }

  /** Retry, delete, search and statistics in SQL ({@link PostgresTaskAdmin}); a retried task wakes the workers. */
  @Override
  public Optional<TaskAdmin> admin() {
    return Optional.of(new PostgresTaskAdmin(db, sql, () -> {
      wakeUps.wakeAll();
      buffer.ready();
    }));
  }

  @Override
  public Optional<WorkerRegistry> workerRegistry() {
    return Optional.of(new PostgresWorkers(db, sql));
  }

  /** Whether the connection that hears other processes' notices is up now. */
  public boolean isListening() {
    return listener != null && listener.isConnected();
  }

  /** Stops listening for notices; the DataSource and the tables stay. */
  @Override
  public void close() {
    vacuums.close();
    buffer.close();
    if (listener != null) {
      listener.close();
    }
    notices.close();
  }

  @Override
  public String toString() {
    return "PostgresQueueBackend[" + sql.table() + "]";
  }

  /** Builds a {@link PostgresQueueBackend}; {@link #build()} migrates the tables and starts listening. */
  public static final class Builder extends PostgresOptions<Builder> {
    private Builder(DataSource dataSource) {
      super(dataSource);
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * Migrates (or checks) the tables and starts listening.
     *
     * @throws FfmpegQueueException when the database cannot be reached or its tables are not as needed
     */
    public PostgresQueueBackend build() {
      new Migrator(dataSource, schema, prefix).ensure(migrate);
      return new PostgresQueueBackend(this).start();
    }
  }
}
