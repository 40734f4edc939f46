package io.ffmpegqueue.internal.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Serves one file on loopback at a capped rate, in 16 KiB writes, without ranges: it can stop sending at an
 * offset until the test releases it ({@link #holdAt}), and drop the connection at another ({@link #dropAt}).
 */
final class GatedServer implements AutoCloseable {
  private static final int CHUNK = 16 * 1024;

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final CountDownLatch release = new CountDownLatch(1);
  private final byte[] body;
  private final long bytesPerSecond;
  private volatile long holdAt = Long.MAX_VALUE;
  private volatile long dropAt = Long.MAX_VALUE;
  private volatile boolean holding;
  private volatile boolean sentAll;

  GatedServer(byte[] body, long bytesPerSecond) throws IOException {
    this.body = body;
    this.bytesPerSecond = bytesPerSecond;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  String url(String name) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name;
  }

  /** Stops sending after {@code offset} bytes (rounded up to a write) until {@link #release()}. */
  GatedServer holdAt(long offset) {
    holdAt = offset;
    return this;
  }

  /** Drops the connection after {@code offset} bytes (rounded up to a write). */
  GatedServer dropAt(long offset) {
    dropAt = offset;
    return this;
  }

  boolean holding() {
    return holding;
  }

  boolean sentAll() {
    return sentAll;
  }

  void release() {
    release.countDown();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      ex.sendResponseHeaders(200, body.length);
      OutputStream out = ex.getResponseBody();
      long start = System.nanoTime();
      for (int pos = 0; pos < body.length; ) {
        if (pos >= holdAt && release.getCount() > 0) {
          holding = true;
          release.await(60, TimeUnit.SECONDS);
          holding = false;
        }
        if (pos >= dropAt) {
          return; // the exchange closes with bytes missing: the connection goes
        }
        int n = Math.min(CHUNK, body.length - pos);
        out.write(body, pos, n);
        out.flush();
        pos += n;
        long wait = start + (long) (pos * 1e9 / bytesPerSecond) - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait); // the rate cap
        }
      }
      out.close();
      sentAll = true;
    } catch (IOException e) {
      // the client went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
