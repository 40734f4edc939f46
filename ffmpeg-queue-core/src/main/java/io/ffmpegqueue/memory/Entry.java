package io.ffmpegqueue.memory;

import io.ffmpegqueue.Task;
import java.time.Instant;

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

  Entry(Task task, long seq) {
    this.task = task;
    this.seq = seq;
  }
}
