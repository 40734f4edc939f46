package io.ffmpegqueue.internal.http;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;
import javax.net.SocketFactory;

/**
 * The last check, right before each TCP connect: the address must be one the fetch's {@link GuardedDns}
 * approved, one the {@link HostPolicy} allows, or a trusted origin's address on that origin's port. OkHttp
 * connects to IP-literal hosts without asking its {@code Dns}, and this is what still sees them.
 */
public final class GuardedSocketFactory extends SocketFactory {
  // Big enough that one read takes what a fast connection has queued; Okio asks for 8 KiB at a time.
  private static final int DOWNLOAD_READ_BYTES = 256 * 1024;

  private final HostPolicy policy;
  private final GuardedDns dns;
  private final int readTimeoutMillis;

  /** Sockets that check their destination against {@code policy} and {@code dns}. */
  public GuardedSocketFactory(HostPolicy policy, GuardedDns dns) {
    this(policy, dns, 0);
  }

  private GuardedSocketFactory(HostPolicy policy, GuardedDns dns, int readTimeoutMillis) {
    this.policy = policy;
    this.dns = dns;
    this.readTimeoutMillis = readTimeoutMillis;
  }

  /**
   * Guarded sockets for bulk downloads, for a client whose own read timeout is off (zero): the socket keeps
   * {@code readTimeout} itself ({@code SO_TIMEOUT}, whatever OkHttp sets), and reads the network in large
   * chunks. Okio's read timeout wakes its watchdog thread on every 8 KiB read, and 8 KiB reads cost a system
   * call each; together they made a download cost half as much CPU again as curl's.
   */
  public static GuardedSocketFactory forDownloads(HostPolicy policy, GuardedDns dns, Duration readTimeout) {
    return new GuardedSocketFactory(policy, dns, (int) Math.min(Integer.MAX_VALUE, Math.max(1, readTimeout.toMillis())));
  }

  void check(SocketAddress endpoint) throws IOException {
    if (!(endpoint instanceof InetSocketAddress isa) || isa.getAddress() == null) {
      throw new IOException("refusing to connect to an unresolved address " + endpoint);
    }
    InetAddress a = isa.getAddress();
    if (dns.approved(a) || dns.trusted(isa)) {
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
    private InputStream in;

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      check(endpoint);
      super.connect(endpoint, timeout);
    }

    @Override
    public synchronized void setSoTimeout(int timeout) throws SocketException {
      // The client's read timeout is off for downloads (see forDownloads): zero from it means ours.
      super.setSoTimeout(timeout == 0 && readTimeoutMillis > 0 ? readTimeoutMillis : timeout);
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (readTimeoutMillis == 0) {
        return super.getInputStream();
      }
      if (in == null) {
        in = new BufferedInputStream(super.getInputStream(), DOWNLOAD_READ_BYTES);
      }
      return in;
    }
  }
}
