package io.ffmpegqueue.s3.internal;

import java.util.regex.Pattern;

/** Bucket name rules, so a typo is caught at configuration and not at the first upload. */
public final class Buckets {
  // S3's rules for general purpose buckets: 3 to 63 of lowercase letters, digits, '.', '-', starting and
  // ending with a letter or digit. Older buckets may hold '_' or capitals, and S3-compatible stores accept
  // them; the SDK itself refuses any name outside 3 to 63 characters.
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]");

  private Buckets() {}

  /** Whether {@code name} can be a bucket name. */
  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches() && !name.contains("..");
  }

  /** Checks a bucket name, with a message naming {@code what} (an option or a variable). */
  public static String check(String what, String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(what + " must name a bucket");
    }
    if (!isValidName(name)) {
      throw new IllegalArgumentException(what + ": '" + name + "' is not a valid bucket name"
          + " (3 to 63 letters, digits, '.', '-' or '_', starting and ending with a letter or digit)");
    }
    return name;
  }

  /**
   * Normalizes a key prefix: no leading or trailing '/', no empty, '.' or '..' segments; "" for none.
   */
  public static String checkPrefix(String what, String prefix) {
    if (prefix == null) {
      return "";
    }
    String p = prefix.strip();
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.isEmpty()) {
      return "";
    }
    for (String segment : p.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(what + ": '" + prefix + "' has an empty, '.' or '..' path segment");
      }
    }
    if (p.length() > 512 || p.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException(what + ": '" + prefix + "' is too long or has control characters");
    }
    return p;
  }
}
