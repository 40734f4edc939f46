package io.ffmpegqueue.ffmpeg;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Reads ffmpeg's {@code -progress} output ({@code key=value} lines in blocks that end with
 * {@code progress=continue} or {@code progress=end}) into {@link Progress} values, against the expected
 * output duration. {@code N/A} and negative times are unknown. Fractions never go back and stay below 1
 * until ffmpeg has finished: the runner reports 1.0 itself once the outputs are checked.
 */
final class ProgressParser {
  /** The highest fraction reported while ffmpeg still runs. */
  static final double RUNNING_CAP = 0.99;

  private final DoubleSupplier expectedSeconds;
  private Long outTimeMicros;
  private Double fps;
  private Double speed;
  private double lastFraction;
  private Duration lastOutTime = Duration.ZERO;
  private boolean ended;

  /** A parser against {@code expectedSeconds}, asked at each block (0 or less when unknown). */
  public ProgressParser(DoubleSupplier expectedSeconds) {
    this.expectedSeconds = expectedSeconds;
  }

  /** Takes one line; returns the progress when it closes a block, else {@code null}. */
  public Progress accept(String line) {
    int eq = line.indexOf('=');
    if (eq <= 0) {
      return null;
    }
    String key = line.substring(0, eq).trim();
    String value = line.substring(eq + 1).trim();
    switch (key) {
      case "out_time_us", "out_time_ms" -> outTimeMicros = parseMicros(value);
      case "out_time" -> {
        if (outTimeMicros == null) {
          Double s = FfmpegTime.seconds(value);
          outTimeMicros = s == null || s < 0 ? null : (long) (s * 1e6);
        }
      }
      case "fps" -> fps = parsePositive(value);
      case "speed" -> speed = parsePositive(value.endsWith("x") ? value.substring(0, value.length() - 1) : value);
      case "progress" -> {
        ended = value.equals("end");
        return block();
      }
      default -> {
        // frame, bitrate, total_size, dup_frames, ...: not needed
      }
    }
    return null;
  }

  /** Whether ffmpeg said {@code progress=end}. */
  public boolean ended() {
    return ended;
  }

  /** The last output time seen. */
  public Duration lastOutTime() {
    return lastOutTime;
  }

  private Progress block() {
    Duration outTime = outTimeMicros != null ? Duration.ofNanos(outTimeMicros * 1000) : lastOutTime;
    lastOutTime = outTime;
    double expected = expectedSeconds.getAsDouble();
    Double fraction = null;
    Duration eta = null;
    if (expected > 0 && outTimeMicros != null) {
      double f = Math.min(RUNNING_CAP, outTimeMicros / 1e6 / expected);
      lastFraction = Math.max(lastFraction, f);
      fraction = lastFraction;
      if (speed != null && speed > 0) {
        double left = Math.max(0, expected - outTimeMicros / 1e6) / speed;
        eta = Duration.ofMillis((long) (left * 1000));
      }
    } else if (lastFraction > 0) {
      fraction = lastFraction;
    }
    Progress p = new Progress(fraction, outTime, fps, speed, eta);
    outTimeMicros = null;
    return p;
  }

  private static Long parseMicros(String v) {
    try {
      long us = Long.parseLong(v);
      return us < 0 ? null : us;
    } catch (NumberFormatException e) {
      return null; // N/A
    }
  }

  private static Double parsePositive(String v) {
    try {
      double d = Double.parseDouble(v);
      return d >= 0 && !Double.isNaN(d) && !Double.isInfinite(d) ? d : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
