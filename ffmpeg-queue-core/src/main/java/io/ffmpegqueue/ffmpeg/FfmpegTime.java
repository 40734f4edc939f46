package io.ffmpegqueue.ffmpeg;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ffmpeg's time syntax: {@code [-][HH:]MM:SS[.m...]} or {@code [-]S+[.m...][s|ms|us]}. */
final class FfmpegTime {
  private static final Pattern CLOCK = Pattern.compile("(-)?(?:(\\d+):)?(\\d+):(\\d+(?:\\.\\d*)?)");
  private static final Pattern SECONDS = Pattern.compile("(-)?(\\d+(?:\\.\\d*)?|\\.\\d+)(s|ms|us)?");

  private FfmpegTime() {}

  /** The time in seconds, or {@code null} when {@code text} is not a time. */
  public static Double seconds(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    Matcher m = CLOCK.matcher(t);
    if (m.matches()) {
      double h = m.group(2) != null ? Double.parseDouble(m.group(2)) : 0;
      double s = h * 3600 + Double.parseDouble(m.group(3)) * 60 + Double.parseDouble(m.group(4));
      return m.group(1) != null ? -s : s;
    }
    m = SECONDS.matcher(t);
    if (m.matches()) {
      double v = Double.parseDouble(m.group(2));
      if ("ms".equals(m.group(3))) {
        v /= 1e3;
      } else if ("us".equals(m.group(3))) {
        v /= 1e6;
      }
      return m.group(1) != null ? -v : v;
    }
    return null;
  }
}
