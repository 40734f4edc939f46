package io.ffmpegqueue.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when a test moves it, so that retries, backoff, timeouts and retention are
 * tested without waiting. Thread-safe. Give it to the queue ({@code FfmpegQueue.builder().clock(clock)});
 * the default in-memory backend then judges retry times and retention by it too.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * clock.advance(Duration.ofSeconds(30));
 * }</pre>
 */
public final class ManualClock implements InstantSource {
  /** Where a clock made without a start instant starts: a fixed instant, so runs are repeatable. */
  public static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");

  private final AtomicReference<Instant> now;

  /** A clock at {@link #DEFAULT_START}. */
  public ManualClock() {
    this(DEFAULT_START);
  }

  /** A clock at {@code start}. */
  public ManualClock(Instant start) {
    this.now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  /**
   * Moves the clock forward.
   *
   * @return the new time
   * @throws IllegalArgumentException when {@code d} is negative (use {@link #set} to go back)
   */
  public Instant advance(Duration d) {
    Objects.requireNonNull(d, "d");
    if (d.isNegative()) {
      throw new IllegalArgumentException("advance takes a duration of zero or more, got " + d
          + "; use set(Instant) to move the clock back");
    }
    return now.updateAndGet(t -> t.plus(d));
  }

  /** Sets the clock to {@code instant}, forward or back (a clock that jumps back, as NTP may make one). */
  public void set(Instant instant) {
    now.set(Objects.requireNonNull(instant, "instant"));
  }

  @Override
  public String toString() {
    return "ManualClock[" + now.get() + "]";
  }
}
