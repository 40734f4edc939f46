package io.ffmpegqueue.internal.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.SocketFactory;

/**
 * The last check, right before each TCP connect: the address must be one the fetch's {@link GuardedDns}
 * approved or one the {@link HostPolicy} allows. OkHttp connects to IP-literal hosts without asking its
 * {@code Dns}, and this is what still sees them.
 */
public final class GuardedSocketFactory extends SocketFactory {
  private final HostPolicy policy;
  private final GuardedDns dns;

  /** Sockets that check their destination against {@code policy} and {@code dns}. */
  public GuardedSocketFactory(HostPolicy policy, GuardedDns dns) {
    this.policy = policy;
    this.dns = dns;
  }

  void check(SocketAddress endpoint) throws IOException {
    if (!(endpoint instanceof InetSocketAddress isa) || isa.getAddress() == null) {
      throw new IOException("refusing to connect to an unresolved address " + endpoint);
    }
    InetAddress a = isa.getAddress();
    if (dns.approved(a)) {
      return;
    }
    String reason = policy.addressRefusal(a);
    if (reason != null) {
      throw new RefusedAddressException(IpLiteral.canonical(a), a, reason);
    }
  }

  @Override
  public Socket createSocket() {
    return new GuardedSocket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    Socket s = createSocket();
    s.connect(new InetSocketAddress(host, port));
    return s;
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    Socket s = createSocket();
    s.bind(new InetSocketAddress(localHost, localPort));
    s.connect(new InetSocketAddress(host, port));
    return s;
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    Socket s = createSocket();
    s.connect(new InetSocketAddress(host, port));
    return s;
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
    Socket s = createSocket();
    s.bind(new InetSocketAddress(localAddress, localPort));
    s.connect(new InetSocketAddress(address, port));
    return s;
  }

  private final class GuardedSocket extends Socket {
    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      check(endpoint);
      super.connect(endpoint, timeout);
    }
  }
}
