package io.ffmpegqueue.ffmpeg;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The last bytes a process wrote to stderr, bounded, for the error message of a failed run. */
final class StderrTail {
  private static final Pattern ADDRESS = Pattern.compile(" @ 0x[0-9a-fA-F]+");

  private final byte[] ring;
  private long written;

  /** A tail of at most {@code capacity} bytes. */
  public StderrTail(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.ring = new byte[capacity];
  }

  /** Appends bytes. */
  public synchronized void append(byte[] b, int off, int len) {
    for (int i = 0; i < len; i++) {
      ring[(int) (written++ % ring.length)] = b[off + i];
    }
  }

  /** The kept text; when bytes were dropped, from the first whole line on. */
  public synchronized String text() {
    int n = (int) Math.min(written, ring.length);
    byte[] out = new byte[n];
    long start = written - n;
    for (int i = 0; i < n; i++) {
      out[i] = ring[(int) ((start + i) % ring.length)];
    }
    String s = new String(out, StandardCharsets.UTF_8);
    if (written > ring.length) {
      int nl = s.indexOf('\n');
      s = nl < 0 ? s : s.substring(nl + 1);
    }
    return s;
  }

  /** The last {@code max} non-blank lines, without ffmpeg's {@code @ 0x...} object addresses. */
  public List<String> lastLines(int max) {
    List<String> lines = new ArrayList<>();
    String[] all = text().split("[\r\n]+");
    for (int i = all.length - 1; i >= 0 && lines.size() < max; i--) {
      String l = ADDRESS.matcher(all[i]).replaceAll("").strip();
      if (!l.isEmpty()) {
        lines.add(0, l);
      }
    }
    return lines;
  }
}
