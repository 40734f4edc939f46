package io.ffmpegqueue.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

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

  /**
   * The value of {@code future} within {@code timeout}; what it threw, thrown again.
   *
   * @throws AssertionError naming {@code what} when it does not complete in time
   */
  static <T> T result(String what, CompletableFuture<T> future, Duration timeout) {
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(what + " did not end within " + timeout.toMillis() + " ms", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    }
  }

  /** Removes {@code root} and everything under it, if it exists: a test queue's workspace folder. */
  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the test queue's workspace folder " + root, e);
    }
  }
}
