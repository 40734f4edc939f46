package io.ffmpegqueue.support;

import java.time.Duration;

/** The argument checks the builders share, so that every option is refused in the same words. */
public final class Checks {
  private Checks() {}

  /** {@code d}, when it is longer than zero; else an error naming the option. */
  public static Duration positive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
    return d;
  }

  /** {@code d}, when it is zero or longer; else an error naming the option. */
  public static Duration nonNegative(Duration d, String name) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative");
    }
    return d;
  }

  /** {@code n}, when it is at least 1; else an error naming the option. */
  public static int atLeastOne(int n, String name) {
    if (n < 1) {
      throw new IllegalArgumentException(name + " must be at least 1");
    }
    return n;
  }

  /** {@code n}, when it is 0 or more; else an error naming the option. */
  public static int nonNegative(int n, String name) {
    if (n < 0) {
      throw new IllegalArgumentException(name + " must not be negative");
    }
    return n;
  }

  /** {@code n}, when it is 0 or more; else an error naming the option. */
  public static long nonNegative(long n, String name) {
    if (n < 0) {
      throw new IllegalArgumentException(name + " must not be negative");
    }
    return n;
  }

  /** {@code n}, when it is from {@code min} to {@code max}; else an error naming the option and the value. */
  public static int between(int n, int min, int max, String name) {
    if (n < min || n > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }
}
