package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Reaping expired leases and pruning old tasks, in batches of a few hundred rows (each its own short
 * statement or transaction), at most {@value #MAX_BATCHES} batches a call, so that neither holds locks long
 * however much there is to do.
 */
public final class Upkeep {
  /** Rows per batch. */
  public static final int BATCH = 500;
  /** Batches per call. */
  public static final int MAX_BATCHES = 20;

  private final Jdbc db;
  private final Statements sql;
  private final Duration retentionAge;
  private final int retentionCount;

  /** Upkeep of the tables of {@code sql}, keeping final tasks for {@code retentionAge}, {@code retentionCount} at most. */
  public Upkeep(Jdbc db, Statements sql, Duration retentionAge, int retentionCount) {
    this.db = db;
    this.sql = sql;
    this.retentionAge = retentionAge;
    this.retentionCount = retentionCount;
  }

  /**
   * {@link #reap} that tells of each task it changed through {@code buffer} (after the commit) and wakes this
   * process's claimers when one is PENDING again.
   */
  public List<Task> reap(OffsetDateTime webhookDue, NoticeBuffer buffer, WakeUps wakeUps) {
    List<Task> changed = reap(webhookDue);
    for (Task t : changed) {
      buffer.event(switch (t.status()) {
        case FAILED -> TaskEvent.Type.FAILED;
        case CANCELLED -> TaskEvent.Type.CANCELLED;
        default -> TaskEvent.Type.RETRY_SCHEDULED;
      }, t.id());
    }
    if (changed.stream().anyMatch(t -> t.status() == TaskStatus.PENDING)) {
      wakeUps.wakeAll();
    }
    return changed;
  }

  /**
   * Ends the leases that lapsed on the database's clock, storing the webhook deliveries of the tasks that end,
   * due at {@code webhookDue}; returns the tasks as they are now.
   */
  public List<Task> reap(OffsetDateTime webhookDue) {
    List<Task> changed = new ArrayList<>();
    for (int batch = 0; batch < MAX_BATCHES; batch++) {
      List<Task> reaped = db.run("reap expired leases", false, c -> {
        try (PreparedStatement ps = c.prepareStatement(sql.reap())) {
          ps.setInt(1, BATCH);
          ps.setObject(2, webhookDue);
          try (ResultSet rs = ps.executeQuery()) {
            List<Task> l = new ArrayList<>();
            while (rs.next()) {
              l.add(TaskRows.task(rs));
            }
            return l;
          }
        }
      });
      changed.addAll(reaped);
      if (reaped.size() < BATCH) {
        break;
      }
    }
    return changed;
  }

  /**
   * Deletes final tasks past the retention age, then past the count. One process prunes at a time: each
   * batch first takes a transaction-level advisory lock, and a process that finds it taken stops.
   *
   * @return how many tasks were deleted
   */
  public int prune() {
    String key = "ffmpeg-queue-prune:" + sql.table();
    int removed = 0;
    for (String statement : List.of(sql.pruneByAge(), sql.pruneByCount())) {
      long limit = statement.equals(sql.pruneByAge()) ? retentionAge.toMillis() : retentionCount;
      for (int batch = 0; batch < MAX_BATCHES; batch++) {
        int n = db.run("prune final tasks", true, c -> {
          if (!Jdbc.queryBoolean(c, sql.tryLock(), key)) {
            return -1;
          }
          try (PreparedStatement ps = c.prepareStatement(statement)) {
            ps.setLong(1, limit);
            ps.setInt(2, BATCH);
            return ps.executeUpdate();
          }
        });
        if (n < 0) {
          return removed; // another process prunes now
        }
        removed += n;
        if (n < BATCH) {
          break;
        }
      }
    }
    return removed;
  }
}
