package io.ffmpegqueue.internal.http;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A host resolved, or a connection was about to go, to an address the {@link HostPolicy} refuses. An
 * {@link UnknownHostException} so that OkHttp passes it through its {@code Dns} and connect paths unchanged.
 */
public final class RefusedAddressException extends UnknownHostException {
  private static final long serialVersionUID = 1L;

  private final String host;
  private final String address;
  private final String reason;

  /** {@code host} led to {@code address}, refused because it is {@code reason} ("a loopback address"). */
  public RefusedAddressException(String host, InetAddress address, String reason) {
    super(host + " resolves to " + IpLiteral.canonical(address) + ", " + reason);
    this.host = host;
    this.address = IpLiteral.canonical(address);
    this.reason = reason;
  }

  /** The host name or address text that was looked up. */
  public String host() {
    return host;
  }

  /** The refused address, as text. */
  public String address() {
    return address;
  }

  /** Why, as a phrase. */
  public String reason() {
    return reason;
  }
}
