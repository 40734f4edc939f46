package io.ffmpegqueue.io;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JDK HTTP server on loopback that serves byte arrays with range support, and misbehaves on request:
 * drops connections part-way, stalls, or holds responses until enough requests run at once.
 */
final class RangeServer implements AutoCloseable {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

  /** One request as the server saw it. */
  record Seen(String path, String range, String ifRange) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-http");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> drops = new ConcurrentHashMap<>();
  private final Map<String, Long> dropAfter = new ConcurrentHashMap<>();
  private final Map<String, Integer> status = new ConcurrentHashMap<>();
  private final Map<String, byte[]> afterDrop = new ConcurrentHashMap<>();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile boolean ranges = true;
  private volatile boolean stallBodies;
  private volatile CountDownLatch together;

  RangeServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The URL of {@code path} on this server. */
  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  int port() {
    return server.getAddress().getPort();
  }

  RangeServer file(String path, byte[] content) {
    files.put(path, content);
    return this;
  }

  /** The next {@code times} responses for {@code path} send {@code bytes} bytes of their body, then drop the connection. */
  RangeServer drop(String path, long bytes, int times) {
    dropAfter.put(path, bytes);
    drops.put(path, new AtomicInteger(times));
    return this;
  }

  /** Replaces the content of {@code path} when a response to it is dropped: the input changes mid-download. */
  RangeServer changeOnDrop(String path, byte[] content) {
    afterDrop.put(path, content);
    return this;
  }

  /** Answers {@code path} with {@code code} and no body. */
  RangeServer status(String path, int code) {
    status.put(path, code);
    return this;
  }

  /** Ignores Range headers, as servers without range support do. */
  RangeServer noRanges() {
    ranges = false;
    return this;
  }

  /** Sends the headers and a first byte of every body, then holds until closed. */
  RangeServer stallBodies() {
    stallBodies = true;
    return this;
  }

  /** Holds each response until {@code n} requests are in the server at once. */
  RangeServer together(int n) {
    together = new CountDownLatch(n);
    return this;
  }

  List<Seen> seen() {
    return List.copyOf(seen);
  }

  int maxInFlight() {
    return maxInFlight.get();
  }

  int inFlight() {
    return inFlight.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      String path = ex.getRequestURI().getPath();
      String range = ex.getRequestHeaders().getFirst("Range");
      seen.add(new Seen(path, range, ex.getRequestHeaders().getFirst("If-Range")));
      CountDownLatch t = together;
      if (t != null) {
        t.countDown();
        t.await(10, TimeUnit.SECONDS);
      }
      Integer code = status.get(path);
      byte[] body = files.get(path);
      if (code != null || body == null) {
        ex.sendResponseHeaders(code != null ? code : 404, -1);
        return;
      }
      String etag = "\"v" + body.length + "-" + Integer.toHexString(java.util.Arrays.hashCode(body)) + "\"";
      ex.getResponseHeaders().set("ETag", etag);
      long first = 0;
      long last = body.length - 1;
      Matcher m = range == null ? null : RANGE.matcher(range);
      boolean partial = ranges && m != null && m.matches();
      String ifRange = ex.getRequestHeaders().getFirst("If-Range");
      if (partial && ifRange != null && !ifRange.equals(etag)) {
        partial = false;
      }
      if (ranges) {
        ex.getResponseHeaders().set("Accept-Ranges", "bytes");
      }
      if (partial) {
        first = Long.parseLong(m.group(1));
        if (!m.group(2).isEmpty()) {
          last = Math.min(last, Long.parseLong(m.group(2)));
        }
        if (first >= body.length) {
          ex.getResponseHeaders().set("Content-Range", "bytes */" + body.length);
          ex.sendResponseHeaders(416, -1);
          return;
        }
        ex.getResponseHeaders().set("Content-Range", "bytes " + first + "-" + last + "/" + body.length);
      }
      long length = last - first + 1;
      ex.sendResponseHeaders(partial ? 206 : 200, length == 0 ? -1 : length);
      OutputStream out = ex.getResponseBody();
      AtomicInteger dropsLeft = drops.get(path);
      if (dropsLeft != null && dropsLeft.getAndDecrement() > 0) {
        long n = Math.min(length, dropAfter.get(path));
        out.write(body, (int) first, (int) n);
        out.flush();
        byte[] changed = afterDrop.remove(path);
        if (changed != null) {
          files.put(path, changed);
        }
        // Half a body, then the connection goes: what a proxy restart or a flaky network looks like.
        throw new IOException("dropping the connection on purpose");
      }
      if (stallBodies) {
        out.write(body, (int) first, 1);
        out.flush();
        release.await();
        throw new IOException("stalled response released");
      }
      out.write(body, (int) first, (int) length);
      out.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      inFlight.decrementAndGet();
      ex.close();
    }
  }

  @Override
  public void close() {
    release.countDown();
    CountDownLatch t = together;
    if (t != null) {
      while (t.getCount() > 0) {
        t.countDown();
      }
    }
    server.stop(0);
    executor.shutdownNow();
  }
}
