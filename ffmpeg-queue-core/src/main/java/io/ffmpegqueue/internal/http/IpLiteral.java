package io.ffmpegqueue.internal.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Reads a URL host that spells an IP address, in every spelling some resolver accepts: dotted decimal,
 * a single number ({@code 2130706433}), hex ({@code 0x7f000001}, {@code 0x7f.1}), octal ({@code 0177.0.0.1}),
 * short forms ({@code 127.1}), and IPv6 with or without brackets. The rules are those of the WHATWG URL
 * standard and of {@code inet_aton}, which is what browsers, curl and the C library do. Java reads some of
 * these differently ({@code 0177.0.0.1} is 177.0.0.1 to it), so the fetcher rewrites a numeric host to the
 * canonical form of the address it checked before connecting.
 */
public final class IpLiteral {
  private IpLiteral() {}

  /** A host that looks like an IP address but is none, such as {@code 1.2.3.4.5} or {@code 0x1g.1}. */
  public static final class InvalidHostException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidHostException(String message) {
      super(message);
    }
  }

  /**
   * The address {@code host} spells, or {@code null} when it is a name.
   *
   * @throws InvalidHostException when it is neither a name nor an address
   */
  public static InetAddress parse(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      return parseV6(h.substring(1, h.length() - 1), host);
    }
    if (h.indexOf(':') >= 0) {
      return parseV6(h, host);
    }
    return parseV4(h, host);
  }

  private static InetAddress parseV6(String h, String original) {
    if (h.isEmpty() || !h.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.')) {
      // Zone ids (fe80::1%eth0) included: they name a local interface, never something on the internet.
      throw new InvalidHostException("'" + original + "' is not a valid IPv6 address");
    }
    try {
      // Only hex digits, colons and dots: Java parses it as a literal and never asks DNS.
      return InetAddress.getByName(h);
    } catch (UnknownHostException e) {
      throw new InvalidHostException("'" + original + "' is not a valid IPv6 address");
    }
  }

  private static InetAddress parseV4(String h, String original) {
    String s = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    if (s.isEmpty()) {
      return null;
    }
    String[] parts = s.split("\\.", -1);
    if (!endsInNumber(parts[parts.length - 1])) {
      return null; // a name, whatever its other labels look like ("09.example.com")
    }
    if (parts.length > 4) {
      throw new InvalidHostException("'" + original + "' is not a valid IPv4 address: more than 4 parts");
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = number(parts[i]);
      if (values[i] < 0) {
        throw new InvalidHostException("'" + original + "' is not a valid host: it ends in a number but is no IPv4 address");
      }
    }
    long address = 0;
    for (int i = 0; i < parts.length - 1; i++) {
      if (values[i] > 255) {
        throw new InvalidHostException("'" + original + "' is not a valid IPv4 address: part " + (i + 1) + " is over 255");
      }
      address = (address << 8) | values[i];
    }
    int restBytes = 5 - parts.length;
    long last = values[parts.length - 1];
    if (last >= (1L << (8 * restBytes))) {
      throw new InvalidHostException("'" + original + "' is not a valid IPv4 address: its last part is too large");
    }
    address = (address << (8 * restBytes)) | last;
    byte[] b = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // four bytes are always an address
    }
  }

  /** Whether a host's last label makes it an IPv4 address to the URL standard: all digits, or 0x and hex. */
  private static boolean endsInNumber(String last) {
    if (!last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return true;
    }
    return last.startsWith("0x") && last.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0);
  }

  /** The value of one part: {@code 0x..} hex, {@code 0..} octal, else decimal; -1 when it is none of them. */
  private static long number(String p) {
    if (p.isEmpty()) {
      return -1;
    }
    int radix = 10;
    String digits = p;
    if (p.startsWith("0x")) {
      radix = 16;
      digits = p.substring(2);
      if (digits.isEmpty()) {
        return 0;
      }
    } else if (p.length() > 1 && p.charAt(0) == '0') {
      radix = 8;
      digits = p.substring(1);
    }
    for (int i = 0; i < digits.length(); i++) {
      if (Character.digit(digits.charAt(i), radix) < 0) {
        return -1;
      }
    }
    // Leading zeros do not change the value; anything longer than this is over 2^32 anyway.
    String significant = digits.replaceFirst("^0+(?=.)", "");
    if (significant.length() > 12) {
      return Long.MAX_VALUE >> 8;
    }
    return Long.parseLong(significant, radix);
  }

  /** The canonical text of {@code address}: dotted decimal, or compressed IPv6 ({@code ::1}) without brackets. */
  public static String canonical(InetAddress address) {
    String text = address.getHostAddress();
    if (address.getAddress().length != 16) {
      return text;
    }
    int zone = text.indexOf('%');
    String[] groups = (zone < 0 ? text : text.substring(0, zone)).split(":");
    // RFC 5952: the longest run of two or more zero groups (the first of equals) becomes "::".
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < groups.length; ) {
      int j = i;
      while (j < groups.length && groups[j].equals("0")) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    if (bestStart < 0) {
      return String.join(":", groups);
    }
    String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
    String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
    return head + "::" + tail;
  }
}
