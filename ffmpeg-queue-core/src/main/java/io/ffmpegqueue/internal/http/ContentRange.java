package io.ffmpegqueue.internal.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code Content-Range: bytes first-last/total} header.
 *
 * @param first the first byte sent
 * @param last the last byte sent
 * @param total the size of the whole, or -1 when the server does not say ({@code *})
 */
record ContentRange(long first, long last, long total) {
  private static final Pattern FORM = Pattern.compile("\\s*bytes\\s+(\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)\\s*");
  private static final Pattern UNSATISFIED = Pattern.compile("\\s*bytes\\s+\\*/(\\d{1,18})\\s*");

  /** The range in {@code header}, or {@code null} when it is missing or malformed. */
  static ContentRange parse(String header) {
    if (header == null) {
      return null;
    }
    Matcher m = FORM.matcher(header);
    if (!m.matches()) {
      return null;
    }
    long first = Long.parseLong(m.group(1));
    long last = Long.parseLong(m.group(2));
    long total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
    if (last < first || (total >= 0 && last >= total)) {
      return null;
    }
    return new ContentRange(first, last, total);
  }

  /** The size in a 416's {@code bytes *\/size}, or -1. */
  static long unsatisfiedSize(String header) {
    if (header == null) {
      return -1;
    }
    Matcher m = UNSATISFIED.matcher(header);
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }
}
