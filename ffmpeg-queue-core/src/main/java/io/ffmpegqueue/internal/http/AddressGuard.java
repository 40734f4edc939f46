package io.ffmpegqueue.internal.http;

import java.net.InetAddress;

/**
 * Which addresses an input may not come from: everything that is not a public unicast address. The point is
 * that a URL from an untrusted client must not reach the host itself, its private network or the cloud's
 * metadata service. IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo) are
 * judged by the address they carry.
 */
public final class AddressGuard {
  private AddressGuard() {}

  /**
   * Why inputs may not use {@code address}, as a phrase ("a loopback address"), or {@code null} when it is
   * a public address.
   */
  public static String refusal(InetAddress address) {
    byte[] b = address.getAddress();
    return b.length == 4 ? refusalV4(b, 0) : refusalV6(b);
  }

  private static String refusalV4(byte[] a, int off) {
    int b0 = a[off] & 0xff;
    int b1 = a[off + 1] & 0xff;
    int b2 = a[off + 2] & 0xff;
    int b3 = a[off + 3] & 0xff;
    if (b0 == 0) {
      return (b1 | b2 | b3) == 0 ? "an unspecified address" : "a 'this network' address (0.0.0.0/8)";
    }
    if (b0 == 127) {
      return "a loopback address";
    }
    if (b0 == 10 || (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168)) {
      return "a private address";
    }
    if (b0 == 100 && (b1 & 0xc0) == 64) {
      return "a shared (carrier-grade NAT) address";
    }
    if (b0 == 169 && b1 == 254) {
      return b2 == 169 && b3 == 254 ? "a link-local address (the cloud metadata service)" : "a link-local address";
    }
    if (b0 == 192 && b1 == 0 && b2 == 0) {
      return "a reserved address (IETF protocol assignments)";
    }
    if ((b0 == 192 && b1 == 0 && b2 == 2) || (b0 == 198 && b1 == 51 && b2 == 100) || (b0 == 203 && b1 == 0 && b2 == 113)) {
      return "a documentation address";
    }
    if (b0 == 198 && (b1 & 0xfe) == 18) {
      return "a benchmarking address";
    }
    if (b0 == 192 && b1 == 88 && b2 == 99) {
      return "a reserved address (6to4 relay)";
    }
    if ((b0 & 0xf0) == 224) {
      return "a multicast address";
    }
    if ((b0 & 0xf0) == 240) {
      return b0 == 255 && b1 == 255 && b2 == 255 && b3 == 255 ? "the broadcast address" : "a reserved address";
    }
    return null;
  }

  private static String refusalV6(byte[] a) {
    if (zero(a, 0, 10)) {
      int w5 = word(a, 10);
      if (w5 == 0xffff) {
        return carried("an IPv4-mapped", a, 12);
      }
      if (w5 == 0) {
        if (zero(a, 12, 16)) {
          return "an unspecified address";
        }
        if (zero(a, 12, 15) && a[15] == 1) {
          return "a loopback address";
        }
        // ::a.b.c.d, deprecated since 2006: nothing legitimate uses it, and stacks disagree on where it goes.
        return "an IPv4-compatible address (deprecated)";
      }
    }
    if (zero(a, 0, 8) && word(a, 8) == 0xffff && word(a, 10) == 0) {
      return carried("an IPv4-translated", a, 12);
    }
    int w0 = word(a, 0);
    int w1 = word(a, 2);
    if (w0 == 0x0064 && w1 == 0xff9b) {
      if (zero(a, 4, 12)) {
        return carried("a NAT64", a, 12);
      }
      return "a local-use NAT64 address";
    }
    if (w0 == 0x0100 && zero(a, 2, 8)) {
      return "a discard-only address";
    }
    if (w0 == 0x2001 && w1 == 0x0db8) {
      return "a documentation address";
    }
    if (w0 == 0x2002) {
      return carried("a 6to4", a, 2);
    }
    if (w0 == 0x2001 && w1 == 0) {
      byte[] client = new byte[4];
      for (int i = 0; i < 4; i++) {
        client[i] = (byte) ~a[12 + i];
      }
      return carried("a Teredo", client, 0);
    }
    if ((w0 & 0xfe00) == 0xfc00) {
      return "a unique-local address";
    }
    if ((w0 & 0xffc0) == 0xfe80) {
      return "a link-local address";
    }
    if ((w0 & 0xffc0) == 0xfec0) {
      return "a site-local address (deprecated)";
    }
    if ((w0 & 0xff00) == 0xff00) {
      return "a multicast address";
    }
    if ((w0 & 0xe000) != 0x2000) {
      return "a reserved address"; // outside 2000::/3, the only global unicast block
    }
    return null;
  }

  private static String carried(String form, byte[] a, int off) {
    String inner = refusalV4(a, off);
    return inner == null ? null : form + " form of " + inner;
  }

  private static boolean zero(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static int word(byte[] a, int off) {
    return ((a[off] & 0xff) << 8) | (a[off + 1] & 0xff);
  }
}
