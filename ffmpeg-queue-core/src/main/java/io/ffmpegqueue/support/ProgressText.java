package io.ffmpegqueue.support;

import io.ffmpegqueue.ffmpeg.Progress;
import java.time.Duration;

/**
 * A {@link Progress} as the text of a notice to other processes: {@code fraction,outTimeMillis,fps,speed,etaMillis},
 * an unknown field left empty. Ids never hold a comma, so a notice may follow it with one. Shared backends
 * (PostgreSQL, Redis) send a worker's progress this way, so every process reads it back alike.
 */
public final class ProgressText {
  private ProgressText() {}

  /** The text of {@code p}. */
  public static String of(Progress p) {
    return text(p.fraction()) + "," + p.outTime().toMillis() + "," + text(p.fps()) + "," + text(p.speed()) + ","
        + (p.eta() == null ? "" : Long.toString(p.eta().toMillis()));
  }

  /** The progress in {@code s}, or {@code null} when {@code s} is not one. */
  public static Progress parse(String s) {
    String[] f = s.split(",", -1);
    if (f.length != 5) {
      return null;
    }
    try {
      return new Progress(number(f[0]), Duration.ofMillis(Long.parseLong(f[1])), number(f[2]), number(f[3]),
          f[4].isEmpty() ? null : Duration.ofMillis(Long.parseLong(f[4])));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String text(Double d) {
    return d == null || d.isNaN() || d.isInfinite() ? "" : Double.toString(d);
  }

  private static Double number(String s) {
    return s.isEmpty() ? null : Double.valueOf(s);
  }
}
