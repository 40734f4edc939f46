package io.ffmpegqueue.internal.http;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import okhttp3.HttpUrl;

/**
 * Where inputs may come from: public addresses, plus what the host allow-lists (host names, {@code *.}
 * domain wildcards, CIDRs), or, in allow-list-only mode, nothing but those; and the origins the host trusts
 * exactly ({@code scheme://host:port}, whatever address they have). Immutable.
 */
public final class HostPolicy {
  private final Set<String> hosts;
  private final List<String> domainSuffixes;
  private final List<Cidr> cidrs;
  private final boolean onlyListed;
  private final List<String> entries;
  private final List<HttpUrl> trusted;

  private HostPolicy(Set<String> hosts, List<String> domainSuffixes, List<Cidr> cidrs, boolean onlyListed, List<String> entries,
      List<HttpUrl> trusted) {
    this.hosts = Set.copyOf(hosts);
    this.domainSuffixes = List.copyOf(domainSuffixes);
    this.cidrs = List.copyOf(cidrs);
    this.onlyListed = onlyListed;
    this.entries = List.copyOf(entries);
    this.trusted = List.copyOf(trusted);
  }

  /**
   * A policy over allow-list entries: {@code media.internal}, {@code *.example.com}, {@code 10.0.0.0/8},
   * {@code 127.0.0.1}, {@code ::1}, {@code fd00::/8}.
   *
   * @throws IllegalArgumentException naming an entry it cannot read
   */
  public static HostPolicy of(Collection<String> entries, boolean onlyListed) {
    Set<String> hosts = new LinkedHashSet<>();
    List<String> suffixes = new ArrayList<>();
    List<Cidr> cidrs = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    for (String raw : entries) {
      String e = raw.trim().toLowerCase(Locale.ROOT);
      if (e.isEmpty()) {
        continue;
      }
      kept.add(e);
      if (e.contains("/")) {
        cidrs.add(Cidr.parse(e, raw));
        continue;
      }
      InetAddress literal;
      try {
        literal = IpLiteral.parse(e);
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("allow-list entry '" + raw + "': " + ex.getMessage(), ex);
      }
      if (literal != null) {
        cidrs.add(new Cidr(literal.getAddress(), literal.getAddress().length * 8));
      } else if (e.startsWith("*.") || e.startsWith(".")) {
        String suffix = e.substring(e.indexOf('.'));
        checkName(suffix.substring(1), raw);
        suffixes.add(stripDot(suffix));
      } else {
        checkName(e, raw);
        hosts.add(stripDot(e));
      }
    }
    return new HostPolicy(hosts, suffixes, cidrs, onlyListed, kept, List.of());
  }

  /**
   * This policy, also trusting exactly {@code origins} (only their scheme, host and port count): URLs there
   * pass whatever address the host has, and connections to that host's addresses on that port only.
   */
  public HostPolicy trusting(Collection<HttpUrl> origins) {
    List<HttpUrl> all = new ArrayList<>(trusted);
    for (HttpUrl o : origins) {
      all.add(new HttpUrl.Builder().scheme(o.scheme()).host(o.host()).port(o.port()).build());
    }
    return new HostPolicy(hosts, domainSuffixes, cidrs, onlyListed, entries, all);
  }

  /** Whether {@code url} is at a trusted origin: the same scheme, host and port. */
  public boolean trusts(HttpUrl url) {
    for (HttpUrl o : trusted) {
      if (o.scheme().equals(url.scheme()) && o.host().equals(url.host()) && o.port() == url.port()) {
        return true;
      }
    }
    return false;
  }

  /** The ports trusted on {@code host} (a name or an address as in a URL, lowercase); empty when none. */
  public Set<Integer> trustedPorts(String host) {
    Set<Integer> ports = new LinkedHashSet<>();
    for (HttpUrl o : trusted) {
      if (o.host().equals(host)) {
        ports.add(o.port());
      }
    }
    return ports;
  }

  /** Whether {@code address} on {@code port} is a trusted origin spelled as that address. */
  public boolean trustsAddress(InetAddress address, int port) {
    for (HttpUrl o : trusted) {
      if (o.port() == port && address.equals(IpLiteral.parse(o.host()))) {
        return true;
      }
    }
    return false;
  }

  /** Splits a comma-separated list such as {@code INPUT_ALLOWED_HOSTS}; blank items are skipped. */
  public static List<String> split(String commaSeparated) {
    List<String> out = new ArrayList<>();
    for (String s : commaSeparated.split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  private static void checkName(String name, String raw) {
    if (name.contains(":")) {
      throw new IllegalArgumentException("allow-list entry '" + raw + "': give a host name, address or CIDR without a port");
    }
    if (name.isEmpty() || !name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_')
        || name.contains("..") || name.contains("*")) {
      throw new IllegalArgumentException("allow-list entry '" + raw + "' is not a host name, address or CIDR");
    }
  }

  private static String stripDot(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  /** The entries as given (trimmed, lowercase). */
  public List<String> entries() {
    return entries;
  }

  /** Whether only allow-listed hosts and addresses may be used. */
  public boolean onlyListed() {
    return onlyListed;
  }

  /** Whether {@code host} (a name, lowercase, as in a URL) is allow-listed by name or domain. */
  public boolean hostListed(String host) {
    String h = stripDot(host.toLowerCase(Locale.ROOT));
    if (hosts.contains(h)) {
      return true;
    }
    for (String s : domainSuffixes) {
      if (h.endsWith(s) && h.length() > s.length()) {
        return true;
      }
    }
    return false;
  }

  /** Whether an allow-listed CIDR contains {@code address}. */
  public boolean addressListed(InetAddress address) {
    InetAddress a = unmapped(address);
    for (Cidr c : cidrs) {
      if (c.contains(a)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Why {@code address} may not be used, as a phrase, or {@code null} when it may: allow-listed addresses may,
   * others only when public and the policy is not allow-list-only.
   */
  public String addressRefusal(InetAddress address) {
    if (addressListed(address)) {
      return null;
    }
    if (onlyListed) {
      return "an address that is not on the allow-list";
    }
    return AddressGuard.refusal(address);
  }

  /**
   * Checks a URL host before any I/O: an address spelled in any form is judged as that address; a name is
   * refused when it is {@code localhost} or, in allow-list-only mode, not listed (names are resolved and checked
   * again when fetched).
   */
  public HostCheck check(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    InetAddress literal;
    try {
      literal = IpLiteral.parse(h);
    } catch (IpLiteral.InvalidHostException e) {
      return new HostCheck(host, null, e.getMessage());
    }
    if (literal != null) {
      String reason = addressRefusal(literal);
      return new HostCheck(IpLiteral.canonical(literal), literal,
          reason == null ? null : "points at " + IpLiteral.canonical(literal) + ", " + reason + ", which inputs may not use");
    }
    if (hostListed(h)) {
      return new HostCheck(h, null, null);
    }
    String name = stripDot(h);
    if (name.equals("localhost") || name.endsWith(".localhost")) {
      return new HostCheck(h, null, "names the local host, which inputs may not use");
    }
    if (onlyListed && cidrs.isEmpty()) {
      return new HostCheck(h, null, "names host '" + name + "', which is not on the allow-list");
    }
    return new HostCheck(h, null, null);
  }

  /**
   * What {@link #check} found.
   *
   * @param host the host to connect to: the canonical text of an address, or the name
   * @param address the address the host spells, or {@code null} for a name
   * @param refusal why it is refused (a phrase after the URL), or {@code null}
   */
  public record HostCheck(String host, InetAddress address, String refusal) {}

  private static InetAddress unmapped(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length == 16) {
      boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = b[i] == 0;
      }
      if (mapped) {
        try {
          return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return a;
  }

  @Override
  public String toString() {
    return (onlyListed ? "only " : "public addresses and ") + entries
        + (trusted.isEmpty() ? "" : ", trusted origins " + trusted.stream().map(o -> Urls.redact(o)).toList());
  }

  /** An address block. */
  record Cidr(byte[] network, int prefix) {
    static Cidr parse(String e, String raw) {
      int slash = e.indexOf('/');
      InetAddress base;
      int prefix;
      try {
        base = IpLiteral.parse(e.substring(0, slash));
        prefix = Integer.parseInt(e.substring(slash + 1));
      } catch (IllegalArgumentException ex) {
        base = null;
        prefix = -1;
      }
      if (base == null || prefix < 0 || prefix > base.getAddress().length * 8) {
        throw new IllegalArgumentException("allow-list entry '" + raw + "' is not a valid CIDR");
      }
      return new Cidr(base.getAddress(), prefix);
    }

    boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      if (a.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (a[full] & mask) == (network[full] & mask);
    }
  }
}
