package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.WorkerStats;
import java.util.concurrent.atomic.LongAdder;

/**
 * Running totals of this process's worker side that no event carries (lease upkeep, downloaded bytes), for
 * metrics. Cheap to bump from many threads.
 */
public final class WorkerCounters {
  final LongAdder leaseRenewals = new LongAdder();
  final LongAdder leasesLost = new LongAdder();
  final LongAdder leasesExpired = new LongAdder();
  final LongAdder bytesFetched = new LongAdder();

  /** Adds the size of one fetched input. */
  public void addFetched(long bytes) {
    bytesFetched.add(bytes);
  }

  /** The totals now. */
  public WorkerStats snapshot() {
    return new WorkerStats(leaseRenewals.sum(), leasesLost.sum(), leasesExpired.sum(), bytesFetched.sum());
  }
}
