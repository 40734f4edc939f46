package io.ffmpegqueue;

/**
 * Running totals of a queue's worker side since it was built, for metrics ({@code ffmpeg-queue-micrometer}
 * binds them). Each only grows.
 *
 * @param leaseRenewals lease renewals this process's workers made that the backend accepted
 * @param leasesLost renewals the backend refused because the lease was no longer held
 * @param leasesExpired expired leases (of any worker) that this process's reaper returned to the queue or
 *     failed
 * @param bytesFetched bytes of input files the default pipeline downloaded into workspaces
 */
public record WorkerStats(long leaseRenewals, long leasesLost, long leasesExpired, long bytesFetched) {}
