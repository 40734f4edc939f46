package io.ffmpegqueue.memory;

import io.ffmpegqueue.AttemptSeries;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import java.time.Instant;
import java.util.Set;
import java.util.List;

/** One task as the in-memory backend holds it: its latest snapshot, where it is queued and its lease. */
final class Entry {
  /** Where an entry is queued: nowhere, in its tenant's ready tasks, or among the delayed ones. */
  enum Queued { NO, READY, DELAYED }

  // Read without the lock by find(); written under it.
  volatile Task task;
  final long seq;
  Queued queued = Queued.NO;
  String leaseOwner;
  Instant leaseExpiresAt;
  boolean cancelRequested;
  // Task graphs (see TaskGraph): the parents not completed yet while PENDING and waiting, else null; how many
  // tasks that name this one have not ended.
  Set<TaskId> waitingFor;
  int openChildren;
  // Whether it ended an attempt awaiting tasks (Outcome.Await): one of them failing readies it, not cancels it.
  boolean awaits;
  // The attempt series that ended before each retry by hand, oldest first; null until the first one.
  List<AttemptSeries> history;
  // The attempts of those series together: a lease's fencing token is this plus the task's attempt.
  int attemptsBefore;

  Entry(Task task, long seq) {
    this.task = task;
    this.seq = seq;
  }

  /** The fencing token of the current attempt's lease ({@link io.ffmpegqueue.spi.Lease#fence()}). */
  int fence() {
    return attemptsBefore + task.attempt();
  }
}
