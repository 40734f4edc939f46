package io.ffmpegqueue.internal.submit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One instance for the texts that many tasks repeat: commands (most services submit a few command
 * templates) and file names ({@code input.mp4}, {@code output.mp4}). A queue keeps every pending task, and
 * with each a copy of these texts as its client sent them; sharing one copy makes a pending task smaller and
 * cheaper for the garbage collector to move (two objects fewer per text). Owned by one submit path (no
 * process-wide cache). Bounded: short texts only, and forgotten all at once when full, like a cache that
 * costs one more copy at worst.
 */
final class SharedText {
  private static final int MAX_LENGTH = 1024;
  private static final int MAX_ENTRIES = 4096;
  private final Map<String, String> texts = new ConcurrentHashMap<>();

  /** An instance equal to {@code s}: the first one seen lately, or {@code s} itself. */
  String of(String s) {
    if (s == null || s.length() > MAX_LENGTH) {
      return s;
    }
    String known = texts.get(s);
    if (known != null) {
      return known;
    }
    if (texts.size() >= MAX_ENTRIES) {
      texts.clear();
    }
    known = texts.putIfAbsent(s, s);
    return known != null ? known : s;
  }
}
