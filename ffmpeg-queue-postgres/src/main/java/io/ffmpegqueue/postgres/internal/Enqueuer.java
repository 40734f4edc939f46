package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.FfmpegQueueException;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskRejectedException;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.TenantLimits;
import io.ffmpegqueue.spi.Enqueued;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;

/**
 * Stores new tasks: one {@code INSERT ... ON CONFLICT DO NOTHING}, with the earlier task returned for a
 * repeated idempotency key, and the capacity checked as {@link CapacityGate} decides.
 */
public final class Enqueuer {
  private final Statements sql;
  private final CapacityGate gate;
  private final InstantSource clock;
  private final String readyAtCommit;
  private final PostgresGraph graph;

  /**
   * An enqueuer.
   *
   * @param clock the clock tasks' run times were computed on
   * @param readyAtCommit the notice an insert in a host's transaction sends itself
   * @param graph stores the edges of a task that waits for others
   */
  public Enqueuer(Statements sql, CapacityGate gate, InstantSource clock, String readyAtCommit, PostgresGraph graph) {
    this.graph = graph;
    this.sql = sql;
    this.gate = gate;
    this.clock = clock;
    this.readyAtCommit = readyAtCommit;
  }

  /** Whether the next enqueue must count the pending tasks exactly (in a transaction, for its lock). */
  public boolean exactCountNeeded() {
    return gate.exactNeeded();
  }

  /**
   * Stores {@code task} on {@code c}, in the transaction on it if there is one.
   *
   * @param hostTransaction whether {@code c} is the host's: then the insert sends its own ready notice, which
   *     goes out when the host commits
   */
  public Enqueued insert(Connection c, Task task, boolean hostTransaction) throws SQLException {
    Objects.requireNonNull(task, "task");
    if (task.status() != TaskStatus.PENDING) {
      throw new IllegalArgumentException("a new task must be PENDING, got " + task.status());
    }
    String key = task.request().idempotencyKey();
    // Its parents checked and locked first (a task with dependencies is stored in a transaction).
    Task stored = graph.admit(c, task);
    if (gate.exactNeeded()) {
      if (!c.getAutoCommit()) {
        // Near the limit: count exactly, one enqueuer at a time (the lock lasts until the transaction ends).
        try (PreparedStatement ps = c.prepareStatement(sql.capacityLock())) {
          ps.setString(1, "ffmpeg-queue-capacity:" + sql.table());
          ps.execute();
        }
      }
      if (key != null) {
        Optional<Task> existing = Jdbc.queryOne(c, sql.findByKey(), key);
        if (existing.isPresent()) {
          return new Enqueued(existing.get(), false);
        }
      }
      long pending = Jdbc.queryLong(c, sql.pendingCount());
      gate.counted(pending);
      if (pending >= gate.capacity()) {
        throw new TaskRejectedException(TaskRejectedException.Reason.QUEUE_FULL,
            "the queue is full: " + pending + " tasks are pending; try again later", Duration.ofSeconds(1));
      }
    }
    boolean inserted;
    try (PreparedStatement ps = c.prepareStatement(sql.insert(hostTransaction))) {
      ps.setString(1, task.id().value());
      ps.setInt(2, task.request().priority());
      ps.setLong(3, Duration.between(clock.instant(), task.runAt()).toMillis());
      ps.setObject(4, TaskRows.timestamp(task.createdAt()));
      ps.setInt(5, task.request().maxAttempts());
      ps.setString(6, key);
      ps.setString(7, TaskRows.requestJson(task));
      String tenant = task.request().tenant();
      ps.setString(8, tenant == null ? TenantLimits.NO_TENANT : tenant);
      if (hostTransaction) {
        ps.setString(9, readyAtCommit);
      }
      try (ResultSet rs = ps.executeQuery()) {
        inserted = rs.next();
      }
    }
    if (inserted) {
      gate.added();
      return new Enqueued(graph.stored(c, stored, sql, TaskRows.timestamp(clock.instant())), true);
    }
    if (key != null) {
      Optional<Task> existing = Jdbc.queryOne(c, sql.findByKey(), key);
      if (existing.isPresent()) {
        return new Enqueued(existing.get(), false);
      }
    }
    if (Jdbc.queryOne(c, sql.find(), task.id().value()).isPresent()) {
      throw new IllegalArgumentException("task " + task.id() + " exists already");
    }
    throw new FfmpegQueueException(task.id(), "task " + task.id()
        + " was not stored: the task it conflicted with was removed meanwhile; submit it again", null);
  }
}
