package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.RetryPolicy;
import io.ffmpegqueue.TenantLimits;
import io.ffmpegqueue.spi.ClaimRequest;
import java.time.Duration;
import java.time.InstantSource;

/**
 * The worker-side options.
 *
 * @param workerId this process's worker id, for leases
 * @param workers how many tasks run at once
 * @param leaseDuration how long a lease lasts unless renewed
 * @param heartbeatInterval how often a running task's lease is renewed
 * @param progressInterval the least time between progress writes to the backend
 * @param pollWait how long one claim waits for work
 * @param drainTimeout how long {@code close()} lets running tasks finish
 * @param stopTimeout how long {@code close()} then waits for stopped tasks to give their lease back
 * @param reapInterval how often expired leases are reaped and final tasks pruned
 * @param defaultTimeout the timeout of a task whose request has none
 * @param retryPolicy when failed attempts retry
 * @param clock the clock
 * @param tenantLimits the per-tenant running limits every claim carries
 */
public record WorkerConfig(
    String workerId,
    int workers,
    Duration leaseDuration,
    Duration heartbeatInterval,
    Duration progressInterval,
    Duration pollWait,
    Duration drainTimeout,
    Duration stopTimeout,
    Duration reapInterval,
    Duration defaultTimeout,
    RetryPolicy retryPolicy,
    InstantSource clock,
    TenantLimits tenantLimits) {

  /** A claim of up to {@code maxTasks} that waits up to {@code maxWait}. */
  ClaimRequest claim(int maxTasks, Duration maxWait) {
    return new ClaimRequest(workerId, maxTasks, leaseDuration, maxWait, tenantLimits);
  }
}
