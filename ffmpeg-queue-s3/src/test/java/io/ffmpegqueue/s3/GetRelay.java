package io.ffmpegqueue.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A loopback TCP relay in front of S3Proxy that sees the plain HTTP GETs the input fetcher sends: it counts
 * them and the connections open at once, tells a hook of each, and can answer every GET itself with a canned
 * response (a refusal, a redirect) while other requests (the SDK's HEAD) still reach the server. Requests
 * pass through byte for byte, so their signatures still match.
 */
final class GetRelay implements AutoCloseable {
  private static final byte[] GET = "GET /".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;
  private final int upstreamPort;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-relay");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger gets = new AtomicInteger();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger maxOpen = new AtomicInteger();
  private final List<String> requestLines = new CopyOnWriteArrayList<>();
  private volatile IntConsumer onGet = n -> {};
  private volatile String cannedGetAnswer;

  GetRelay(URI upstream) throws IOException {
    this.upstreamPort = upstream.getPort();
    this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    threads.execute(this::accept);
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Tells {@code hook} the count of each GET as it passes, on the relay's thread. */
  void onGet(IntConsumer hook) {
    this.onGet = hook;
  }

  /** Answers every GET with {@code response} (status line and headers, no body) instead of the server. */
  void answerGets(String response) {
    this.cannedGetAnswer = response;
  }

  int gets() {
    return gets.get();
  }

  int maxOpenConnections() {
    return maxOpen.get();
  }

  /** The first line of each GET that reached the relay (the presigned query included). */
  List<String> getLines() {
    return requestLines;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        threads.execute(() -> relay(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void relay(Socket client) {
    maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
    try (client; Socket upstream = new Socket()) {
      InputStream in = client.getInputStream();
      byte[] head = in.readNBytes(GET.length);
      boolean get = Arrays.equals(head, GET);
      String canned = cannedGetAnswer;
      if (get && canned != null) {
        requestLines.add(new String(head, StandardCharsets.US_ASCII) + firstLine(in));
        gets.incrementAndGet();
        client.getOutputStream().write(canned.getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
        return;
      }
      upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort));
      OutputStream toServer = upstream.getOutputStream();
      threads.execute(() -> pump(upstream, client));
      toServer.write(head);
      int[] matched = {-1}; // mid-line after the head: the next request starts after a line feed
      if (get) {
        counted();
      }
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) >= 0; ) {
        toServer.write(buf, 0, n);
        if (scan(buf, n, matched)) {
          counted();
        }
      }
    } catch (IOException e) {
      // a side closed: the relay of this connection ends
    } finally {
      open.decrementAndGet();
    }
  }

  private void counted() {
    onGet.accept(gets.incrementAndGet());
  }

  /** Whether {@code buf} holds "GET /" at the start of a line; {@code state[0]} carries a partial match. */
  private static boolean scan(byte[] buf, int n, int[] state) {
    boolean found = false;
    for (int i = 0; i < n; i++) {
      byte b = buf[i];
      if (state[0] >= 0 && b == GET[state[0]]) {
        if (++state[0] == GET.length) {
          found = true;
          state[0] = -1;
        }
      } else {
        state[0] = b == '\n' ? 0 : -1;
      }
    }
    return found;
  }

  private static String firstLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
      line.append((char) c);
    }
    return line.toString().strip();
  }

  private static void pump(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException e) {
      // closed
    } finally {
      try {
        to.shutdownOutput();
      } catch (IOException e) {
        // closed
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
