package io.ffmpegqueue.spi;

import io.ffmpegqueue.TenantLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * What a worker asks of {@link QueueBackend#claim}.
 *
 * @param workerId who claims, for leases and diagnostics
 * @param maxTasks the most tasks to take: the worker's free slots, never more
 * @param leaseDuration how long each lease lasts unless renewed
 * @param maxWait how long to wait for work when none is ready
 * @param tenantLimits the per-tenant running limits the claim must respect ({@link TenantLimits#maxRunning}):
 *     a tenant with that many RUNNING tasks gets no more until one ends; only {@code maxRunning} is read here
 */
public record ClaimRequest(
    String workerId, int maxTasks, Duration leaseDuration, Duration maxWait, TenantLimits tenantLimits) {

  /** A claim with no per-tenant limits. */
  public ClaimRequest(String workerId, int maxTasks, Duration leaseDuration, Duration maxWait) {
    this(workerId, maxTasks, leaseDuration, maxWait, TenantLimits.none());
  }

  /** Validates the values. */
  public ClaimRequest {
    Objects.requireNonNull(tenantLimits, "tenantLimits");
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(leaseDuration, "leaseDuration");
    Objects.requireNonNull(maxWait, "maxWait");
    if (maxTasks < 1) {
      throw new IllegalArgumentException("maxTasks must be at least 1");
    }
    if (leaseDuration.isNegative() || leaseDuration.isZero()) {
      throw new IllegalArgumentException("leaseDuration must be positive");
    }
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative");
    }
  }
}
