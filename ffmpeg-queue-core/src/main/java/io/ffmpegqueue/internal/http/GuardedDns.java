package io.ffmpegqueue.internal.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Dns;

/**
 * The resolver of one fetch: resolves each host once, checks every address it gets against the
 * {@link HostPolicy} and pins the answer, so that every connection of the fetch (retries, resumes, ranges)
 * goes to an address that was checked and a DNS answer that changes meanwhile (rebinding) changes nothing.
 * A host with any refused address is refused whole. Numeric hosts in any spelling are read here, not sent
 * to DNS. A name of a trusted origin is not checked, and its addresses are approved on that origin's port only.
 */
public final class GuardedDns implements Dns {
  private final HostPolicy policy;
  private final Dns delegate;
  private final Map<String, List<InetAddress>> pinned = new ConcurrentHashMap<>();
  private final Set<InetAddress> approved = ConcurrentHashMap.newKeySet();
  private final Set<InetSocketAddress> trusted = ConcurrentHashMap.newKeySet();

  /** A resolver that asks {@code delegate} and checks what it answers. */
  public GuardedDns(HostPolicy policy, Dns delegate) {
    this.policy = policy;
    this.delegate = delegate;
  }

  @Override
  public List<InetAddress> lookup(String hostname) throws UnknownHostException {
    String host = hostname.toLowerCase(Locale.ROOT);
    List<InetAddress> known = pinned.get(host);
    if (known != null) {
      return known;
    }
    List<InetAddress> addresses = resolve(host);
    if (addresses.isEmpty()) {
      throw new UnknownHostException("no address for " + host);
    }
    boolean listedName = policy.hostListed(host);
    Set<Integer> trustedPorts = listedName ? Set.of() : policy.trustedPorts(host);
    for (InetAddress a : addresses) {
      String reason = listedName || !trustedPorts.isEmpty() ? null : policy.addressRefusal(a);
      if (reason != null) {
        throw new RefusedAddressException(host, a, reason);
      }
    }
    List<InetAddress> fixed = List.copyOf(addresses);
    List<InetAddress> raced = pinned.putIfAbsent(host, fixed);
    if (raced != null) {
      return raced;
    }
    if (trustedPorts.isEmpty()) {
      approved.addAll(fixed);
    } else {
      for (InetAddress a : fixed) {
        trustedPorts.forEach(port -> trusted.add(new InetSocketAddress(a, port)));
      }
    }
    return fixed;
  }

  private List<InetAddress> resolve(String host) throws UnknownHostException {
    InetAddress literal;
    try {
      literal = IpLiteral.parse(host);
    } catch (IpLiteral.InvalidHostException e) {
      throw new UnknownHostException(e.getMessage());
    }
    return literal != null ? List.of(literal) : delegate.lookup(host);
  }

  /** Whether {@code address} is one this resolver checked and handed out. */
  public boolean approved(InetAddress address) {
    return approved.contains(address);
  }

  /** Whether {@code endpoint} is a trusted origin: its name resolved here, or its address as the origin spells it. */
  public boolean trusted(InetSocketAddress endpoint) {
    return trusted.contains(endpoint) || policy.trustsAddress(endpoint.getAddress(), endpoint.getPort());
  }
}
