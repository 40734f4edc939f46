package io.ffmpegqueue.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition in tests without sleeping a fixed time: checks it every few milliseconds until it
 * holds or the timeout passes. For kits that must not force a dependency (Awaitility) on the host.
 */
public final class Await {
  private Await() {}

  /**
   * Returns once {@code condition} holds.
   *
   * @throws AssertionError naming {@code what} when it does not hold within {@code timeout}
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 1;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
      }
      try {
        Thread.sleep(pause); // a poll interval, not synchronisation: the condition decides
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
      pause = Math.min(pause * 2, 20);
    }
  }

  /** Returns the first non-null value of {@code value} within {@code timeout}. */
  public static <T> T value(String what, Duration timeout, Supplier<T> value) {
    Object[] box = new Object[1];
    until(what, timeout, () -> (box[0] = value.get()) != null);
    @SuppressWarnings("unchecked") // box[0] came from value.get(), a T
    T t = (T) box[0];
    return t;
  }
}
