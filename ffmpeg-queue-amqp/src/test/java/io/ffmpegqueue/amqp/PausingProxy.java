package io.ffmpegqueue.amqp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;

/**
 * A loopback TCP forwarder to the broker that can stop passing the client's bytes on: after {@link #pause()},
 * whatever a process publishes through it never reaches the broker (and is never confirmed), as if the process
 * had died at that moment. Only the connections from the {@code firstPaused}-th on (counting from 1) pause: the
 * bridge opens its consuming connection first and its publishing one second, so its acknowledgements still
 * pass while its results do not.
 */
final class PausingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int brokerPort;
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile boolean paused;
  private final int firstPaused;

  PausingProxy(int brokerPort, int firstPaused) throws IOException {
    this.brokerPort = brokerPort;
    this.firstPaused = firstPaused;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** From now on, no byte from a client reaches the broker. */
  void pause() {
    paused = true;
  }

  private void accept() {
    try {
      for (int n = 1; ; n++) {
        Socket client = server.accept();
        Socket broker = new Socket(InetAddress.getLoopbackAddress(), brokerPort);
        pipe(client.getInputStream(), broker.getOutputStream(), n >= firstPaused);
        pipe(broker.getInputStream(), client.getOutputStream(), false);
      }
    } catch (IOException e) {
      // closed
    }
  }

  private void pipe(InputStream in, OutputStream out, boolean pausable) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16384];
      try {
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (pausable && paused) {
            closed.await(); // holds the bytes until the proxy closes
            return;
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // the connection is gone
      }
    }, "proxy-pipe");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    closed.countDown();
    server.close();
  }
}
