package io.ffmpegqueue.redis;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.redis.Scripts.Script;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The backend's periodic work, in batches: reaping expired leases (reap.lua) and pruning final tasks past the
 * retention limits (prune.lua), which keeps a task while a child of it has not ended (graph-lib.lua).
 */
final class Upkeep {
  private static final int REAP_BATCH = 500;
  private static final int PRUNE_BATCH = 500;
  private static final int PRUNE_MAX = 10_000;
  private static final String EXPIRED_ERROR = TaskHashes.errorJson(
      TaskError.of(ErrorKind.LEASE_EXPIRED, "the worker's lease expired (it stalled or died)"));
  private static final String CANCELLED_UNOWNED = TaskHashes.errorJson(
      TaskError.of(ErrorKind.CANCELLED, "cancelled while running; its worker's lease expired"));

  private final Scripts scripts;
  private final long retentionAgeMicros;
  private final int retentionCount;

  Upkeep(Scripts scripts, Duration retentionAge, int retentionCount) {
    this.scripts = scripts;
    this.retentionAgeMicros = TaskHashes.micros(Instant.EPOCH.plus(retentionAge));
    this.retentionCount = retentionCount;
  }

  /** Up to a batch of tasks whose lease expired, after the change. */
  List<Task> reap() {
    return TaskHashes.tasks(scripts.list(Script.REAP, EXPIRED_ERROR, CANCELLED_UNOWNED, REAP_BATCH), 0);
  }

  /**
   * Removes final tasks past the retention age and count, a few hundred per script, at most ten thousand, and
   * looks past at most ten thousand that children still need.
   *
   * @return how many it removed
   */
  int prune() {
    int removed = 0;
    int kept = 0;
    while (removed < PRUNE_MAX && kept < PRUNE_MAX) {
      List<?> r = scripts.list(Script.PRUNE, retentionAgeMicros, retentionCount, PRUNE_BATCH, kept);
      long n = (Long) r.get(0);
      long k = (Long) r.get(1);
      removed += (int) n;
      kept += (int) k;
      if (n + k < PRUNE_BATCH) {
        break;
      }
    }
    return removed;
  }
}
