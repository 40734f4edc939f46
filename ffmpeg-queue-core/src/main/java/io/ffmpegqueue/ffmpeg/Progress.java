package io.ffmpegqueue.ffmpeg;

import java.time.Duration;

/**
 * How far a running ffmpeg is. Every field but {@code outTime} may be unknown ({@code null}).
 *
 * @param fraction the part done, from 0 to 1, or {@code null} when the input duration is unknown
 * @param outTime how much output time is written
 * @param fps frames encoded per second, or {@code null}
 * @param speed output time per wall-clock time ({@code 2.0} is twice real time), or {@code null}
 * @param eta the estimated time left, or {@code null}
 */
public record Progress(Double fraction, Duration outTime, Double fps, Double speed, Duration eta) {
  /** Clamps the fraction to 0..1. */
  public Progress {
    if (fraction != null) {
      if (fraction.isNaN()) {
        fraction = null;
      } else {
        fraction = Math.max(0.0, Math.min(1.0, fraction));
      }
    }
    if (outTime == null) {
      outTime = Duration.ZERO;
    }
  }

  /** Progress known only as a fraction. */
  public static Progress ofFraction(double fraction) {
    return new Progress(fraction, Duration.ZERO, null, null, null);
  }
}
