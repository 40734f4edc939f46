package io.ffmpegqueue.memory;

import io.ffmpegqueue.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The in-memory backend's pending tasks that wait for their run time (a retry's backoff), soonest first;
 * claims move the due ones to the ready tasks. Used under the backend's lock.
 */
final class DelayedTasks {
  private static final Comparator<Entry> BY_RUN_AT =
      Comparator.comparing((Entry e) -> e.task.runAt()).thenComparingLong(e -> e.seq);

  private final PriorityQueue<Entry> delayed = new PriorityQueue<>(BY_RUN_AT);

  void add(Entry e) {
    e.queued = Entry.Queued.DELAYED;
    delayed.add(e);
  }

  /** The run time of the soonest, or {@code null} when none waits. */
  Instant nextRunAt() {
    Entry next = delayed.peek();
    return next == null ? null : next.task.runAt();
  }

  /** Moves the tasks due at {@code now} to {@code ready}; cancelled ones are dropped. */
  void promoteDue(Instant now, TenantTurns ready) {
    Entry e;
    while ((e = delayed.peek()) != null && !e.task.runAt().isAfter(now)) {
      delayed.poll();
      if (e.queued == Entry.Queued.DELAYED && e.task.status() == TaskStatus.PENDING) {
        ready.addReady(e, false);
      }
    }
  }

  /** The waiting tasks, soonest first, for listing. */
  List<Entry> inOrder() {
    List<Entry> waiting = new ArrayList<>(delayed);
    waiting.sort(BY_RUN_AT);
    return waiting;
  }
}
