package io.ffmpegqueue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a failed attempt is tried again, and after how long. An attempt is retried when its failure is
 * {@linkplain TaskFailureException#retryable() retryable} (a network or storage error) or of a kind in
 * {@link #alsoRetry()}, and the task has attempts left. ffmpeg errors on the command are not retried
 * by default: the same command fails the same way.
 *
 * <p>The delay before attempt {@code n+1} is {@code initialBackoff * multiplier^(n-1)}, capped at
 * {@code maxBackoff}, then spread by {@code ±jitter} so that tasks failed together do not retry together.
 *
 * @param maxAttempts attempts in all, for requests that do not set their own (default 3)
 * @param initialBackoff the delay before the second attempt (default 1 s)
 * @param maxBackoff the longest delay (default 5 min)
 * @param multiplier the growth of the delay per attempt (default 2)
 * @param jitter the relative spread of each delay, from 0 to 1 (default 0.2)
 * @param alsoRetry kinds retried even when the failure says it is not retryable (default none)
 */
public record RetryPolicy(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    double multiplier,
    double jitter,
    Set<ErrorKind> alsoRetry) {

  /** Validates the values. */
  public RetryPolicy {
    if (maxAttempts < 1 || maxAttempts > TaskRequest.MAX_ATTEMPTS_LIMIT) {
      throw new IllegalArgumentException("maxAttempts must be between 1 and " + TaskRequest.MAX_ATTEMPTS_LIMIT);
    }
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("backoffs must satisfy 0 <= initialBackoff <= maxBackoff");
    }
    if (!(multiplier >= 1.0)) {
      throw new IllegalArgumentException("multiplier must be at least 1");
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter must be between 0 and 1");
    }
    alsoRetry = alsoRetry == null || alsoRetry.isEmpty() ? Set.of() : Set.copyOf(alsoRetry);
  }

  /** The default policy: 3 attempts, 1 s doubling to at most 5 min, 20% jitter. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofMinutes(5), 2.0, 0.2, Set.of());
  }

  /** Never retry. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, 0.0, Set.of());
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder(defaults());
  }

  /** Whether a failure of {@code failure} in attempt {@code attempt} of {@code maxAttemptsForTask} is retried. */
  public boolean shouldRetry(TaskFailureException failure, int attempt, int maxAttemptsForTask) {
    if (attempt >= maxAttemptsForTask) {
      return false;
    }
    return failure.retryable() || alsoRetry.contains(failure.kind());
  }

  /** The delay before the attempt after {@code attempt} (1-based), with jitter. */
  public Duration backoff(int attempt) {
    double base = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
    double capped = Math.min(base, maxBackoff.toNanos());
    double spread = jitter == 0 ? 1.0 : 1.0 + ThreadLocalRandom.current().nextDouble(-jitter, jitter);
    return Duration.ofNanos((long) Math.max(0, capped * spread));
  }

  /** Builds a {@link RetryPolicy}. */
  public static final class Builder {
    private int maxAttempts;
    private Duration initialBackoff;
    private Duration maxBackoff;
    private double multiplier;
    private double jitter;
    private final Set<ErrorKind> alsoRetry = EnumSet.noneOf(ErrorKind.class);

    private Builder(RetryPolicy p) {
      maxAttempts = p.maxAttempts;
      initialBackoff = p.initialBackoff;
      maxBackoff = p.maxBackoff;
      multiplier = p.multiplier;
      jitter = p.jitter;
    }

    /** Attempts in all for requests that do not set their own. */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** The delay before the second attempt. */
    public Builder initialBackoff(Duration d) {
      this.initialBackoff = d;
      return this;
    }

    /** The longest delay. */
    public Builder maxBackoff(Duration d) {
      this.maxBackoff = d;
      return this;
    }

    /** How much the delay grows per attempt. */
    public Builder multiplier(double m) {
      this.multiplier = m;
      return this;
    }

    /** The relative spread of each delay, 0 to 1. */
    public Builder jitter(double j) {
      this.jitter = j;
      return this;
    }

    /** Also retry failures of these kinds, e.g. {@link ErrorKind#FFMPEG} for flaky sources. */
    public Builder alsoRetry(ErrorKind... kinds) {
      alsoRetry.addAll(java.util.List.of(kinds));
      return this;
    }

    /** The policy. */
    public RetryPolicy build() {
      return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, jitter, alsoRetry);
    }
  }
}
