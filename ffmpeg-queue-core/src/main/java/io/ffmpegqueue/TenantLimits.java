package io.ffmpegqueue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Per-tenant limits: how many of a tenant's tasks may run at once, and how fast a tenant may submit (a token
 * bucket: {@code ratePerSecond} tokens a second, up to {@code burst} saved). One {@link Limit} applies to
 * every tenant unless a tenant has its own. Tasks without a tenant ({@link TaskRequest#tenant()} is
 * {@code null}) count as the tenant {@link #NO_TENANT}.
 *
 * <pre>{@code
 * TenantLimits limits = TenantLimits.builder()
 *     .maxRunning(2)                  // every tenant: at most 2 running
 *     .rate(5, 20)                    // every tenant: 5 submissions a second, bursts of 20
 *     .maxRunning("big-customer", 8)  // this one may run 8
 *     .build();
 * FfmpegQueue queue = FfmpegQueue.builder().tenantLimits(limits).build();
 * }</pre>
 *
 * <p>The running limit is enforced by the backend's claim, so it holds across every worker process that
 * shares a backend (give them all the same limits). The rate is enforced where tasks are submitted, per
 * process: N submitting processes allow a tenant N times the rate.
 *
 * @param defaults the limit of every tenant without its own
 * @param tenants tenant name to its own limit
 */
public record TenantLimits(Limit defaults, Map<String, Limit> tenants) {
  /** The tenant of tasks that name none. */
  public static final String NO_TENANT = "";

  private static final TenantLimits NONE = new TenantLimits(Limit.UNLIMITED, Map.of());

  /** Checks and copies. */
  public TenantLimits {
    Objects.requireNonNull(defaults, "defaults");
    tenants = Map.copyOf(tenants);
  }

  /**
   * One tenant's limit.
   *
   * @param maxRunning the most tasks running at once, or 0 for no limit
   * @param ratePerSecond submissions a second on average, or 0 for no limit
   * @param burst the most submissions at once after a quiet spell (the bucket's size); at least 1 when there
   *     is a rate
   */
  public record Limit(int maxRunning, double ratePerSecond, int burst) {
    /** No limit at all. */
    public static final Limit UNLIMITED = new Limit(0, 0, 0);

    /** Checks the values. */
    public Limit {
      if (maxRunning < 0) {
        throw new IllegalArgumentException("maxRunning must not be negative (0 for no limit), got " + maxRunning);
      }
      if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
        throw new IllegalArgumentException("ratePerSecond must be a finite number >= 0 (0 for no limit), got " + ratePerSecond);
      }
      if (ratePerSecond > 0 && burst < 1) {
        throw new IllegalArgumentException("burst must be at least 1 when there is a rate, got " + burst);
      }
      if (burst < 0) {
        throw new IllegalArgumentException("burst must not be negative, got " + burst);
      }
    }

    /** Whether submissions are rate limited. */
    public boolean limitsRate() {
      return ratePerSecond > 0;
    }

    Limit withMaxRunning(int n) {
      return new Limit(n, ratePerSecond, burst);
    }

    Limit withRate(double perSecond, int burst) {
      return new Limit(maxRunning, perSecond, burst);
    }
  }

  /** No limits: the default. */
  public static TenantLimits none() {
    return NONE;
  }

  /** A builder, starting from no limits. */
  public static Builder builder() {
    return new Builder();
  }

  /** The limit of {@code tenant} ({@code null} for {@link #NO_TENANT}). */
  public Limit of(String tenant) {
    return tenants.getOrDefault(tenant == null ? NO_TENANT : tenant, defaults);
  }

  /** The most running tasks of {@code tenant}, 0 for no limit. */
  public int maxRunning(String tenant) {
    return of(tenant).maxRunning();
  }

  /** Whether any tenant has a running limit. */
  public boolean limitsRunning() {
    if (defaults.maxRunning() > 0) {
      return true;
    }
    for (Limit l : tenants.values()) {
      if (l.maxRunning() > 0) {
        return true;
      }
    }
    return false;
  }

  /** Whether any tenant has a submission rate. */
  public boolean limitsRate() {
    if (defaults.limitsRate()) {
      return true;
    }
    for (Limit l : tenants.values()) {
      if (l.limitsRate()) {
        return true;
      }
    }
    return false;
  }

  /** Builds {@link TenantLimits}. A tenant's own limit starts from the defaults set before it. */
  public static final class Builder {
    private Limit defaults = Limit.UNLIMITED;
    private final Map<String, Limit> tenants = new LinkedHashMap<>();

    private Builder() {}

    /** At most {@code n} running tasks per tenant (0: no limit). Default no limit. */
    public Builder maxRunning(int n) {
      defaults = defaults.withMaxRunning(n);
      return this;
    }

    /** Each tenant submits at most {@code perSecond} tasks a second, with bursts of {@code burst}. */
    public Builder rate(double perSecond, int burst) {
      defaults = defaults.withRate(perSecond, burst);
      return this;
    }

    /** At most {@code n} running tasks of {@code tenant} (0: no limit), whatever the default. */
    public Builder maxRunning(String tenant, int n) {
      tenants.put(checked(tenant), own(tenant).withMaxRunning(n));
      return this;
    }

    /** {@code tenant} submits at most {@code perSecond} tasks a second, with bursts of {@code burst}. */
    public Builder rate(String tenant, double perSecond, int burst) {
      tenants.put(checked(tenant), own(tenant).withRate(perSecond, burst));
      return this;
    }

    private Limit own(String tenant) {
      return tenants.getOrDefault(tenant, defaults);
    }

    private static String checked(String tenant) {
      if (!NO_TENANT.equals(tenant)) {
        TaskRequest.checkTenant(tenant);
      }
      return tenant;
    }

    /** The limits. */
    public TenantLimits build() {
      return new TenantLimits(defaults, tenants);
    }
  }
}
