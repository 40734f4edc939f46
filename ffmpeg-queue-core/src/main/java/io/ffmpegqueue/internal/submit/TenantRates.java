package io.ffmpegqueue.internal.submit;

import io.ffmpegqueue.TaskRejectedException;
import io.ffmpegqueue.TenantLimits;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-tenant submission rate: one token bucket per tenant, on the queue's clock. In this process only;
 * processes that submit to a shared backend each keep their own buckets.
 */
final class TenantRates {
  // Buckets of tenants that are idle (full again) are dropped past this many, so that a stream of
  // one-off tenant names cannot grow the map without end.
  private static final int TIDY_ABOVE = 10_000;

  private final TenantLimits limits;
  private final InstantSource clock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  TenantRates(TenantLimits limits, InstantSource clock) {
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * Takes one token of {@code tenant}'s bucket.
   *
   * @throws TaskRejectedException with {@link TaskRejectedException.Reason#RATE_LIMITED} when it is empty
   */
  void acquire(String tenant) {
    TenantLimits.Limit limit = limits.of(tenant);
    if (!limit.limitsRate()) {
      return;
    }
    String key = tenant == null ? TenantLimits.NO_TENANT : tenant;
    long now = nanos();
    Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(limit, now));
    long waitNanos = b.take(now);
    if (waitNanos > 0) {
      Duration retryAfter = Duration.ofNanos(waitNanos);
      String who = key.isEmpty() ? "tasks without a tenant" : "tenant '" + key + "'";
      throw new TaskRejectedException(TaskRejectedException.Reason.RATE_LIMITED,
          who + " submits faster than its limit of " + rate(limit.ratePerSecond()) + " tasks a second (bursts of "
          + limit.burst() + "); try again in " + Math.max(1, (retryAfter.toMillis() + 999) / 1000) + " s",
          retryAfter);
    }
    if (buckets.size() > TIDY_ABOVE) {
      buckets.values().removeIf(x -> x.isFull(now));
    }
  }

  private static String rate(double r) {
    return r == Math.rint(r) ? Long.toString((long) r) : Double.toString(r);
  }

  private long nanos() {
    java.time.Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  /** A token bucket; tokens in nanosecond units of "time owed" (GCRA form: one timestamp, no float drift). */
  private static final class Bucket {
    private final long interval; // nanos per token
    private final long tolerance; // how far ahead of now the theoretical arrival time may run
    private long tat; // theoretical arrival time of the next token

    Bucket(TenantLimits.Limit limit, long now) {
      this.interval = Math.max(1, Math.round(1_000_000_000d / limit.ratePerSecond()));
      this.tolerance = interval * (limit.burst() - 1L);
      this.tat = now;
    }

    /** Takes a token: 0 when granted, else how long until one is there. */
    synchronized long take(long now) {
      long start = Math.max(tat, now);
      if (start - now > tolerance) {
        return start - now - tolerance;
      }
      tat = start + interval;
      return 0;
    }

    synchronized boolean isFull(long now) {
      return tat <= now;
    }
  }
}
