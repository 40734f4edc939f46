package io.ffmpegqueue.postgres.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one connection that LISTENs on the backend's channel, on its own thread, and hands each notice's
 * payload on. When the connection breaks (the database restarted, a network cut) it reconnects with a
 * growing pause, and reports each (re)connect so that claimers look for work they may have missed. A
 * cheap query every {@code PING} finds connections that died silently.
 */
public final class NotificationListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NotificationListener.class);
  // How long one wait for notices blocks: bounds how long close() waits for the thread.
  private static final int WAIT_MILLIS = 250;
  private static final long PING_NANOS = Duration.ofSeconds(10).toNanos();
  private static final long MAX_PAUSE_MILLIS = 5_000;

  private final DataSource dataSource;
  private final String channel;
  private final Consumer<String> onNotice;
  private final Runnable onConnected;
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition closing = lock.newCondition();
  private volatile boolean connected;
  private volatile boolean closed;

  /**
   * A listener that starts on {@link #start()}.
   *
   * @param dataSource where its connection comes from
   * @param channel the channel to LISTEN on
   * @param onNotice takes each payload, on the listener thread
   * @param onConnected runs after each (re)connect, on the listener thread
   */
  public NotificationListener(DataSource dataSource, String channel, Consumer<String> onNotice, Runnable onConnected) {
    this.dataSource = dataSource;
    this.channel = channel;
    this.onNotice = onNotice;
    this.onConnected = onConnected;
    this.thread = new Thread(this::run, "ffq-pg-listener");
    this.thread.setDaemon(true);
  }

  /** Starts listening. */
  public void start() {
    thread.start();
  }

  /** Whether the listening connection is up now; while it is not, claimers poll more often. */
  public boolean isConnected() {
    return connected;
  }

  private void run() {
    long pause = 100;
    boolean warned = false;
    while (!closed) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(true);
        PGConnection pg = c.unwrap(PGConnection.class);
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN \"" + channel + "\"");
        }
        connected = true;
        pause = 100;
        if (warned) {
          log.info("listening for task notices on {} again", channel);
          warned = false;
        }
        onConnected.run();
        listen(c, pg);
        try (Statement s = c.createStatement()) {
          s.execute("UNLISTEN *"); // the connection may go back to a pool: it must not go on collecting notices
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          break;
        }
        if (!warned) {
          log.warn("the task-notice connection is down ({}); workers poll until it is back", e.toString());
          warned = true;
        }
      } finally {
        connected = false;
      }
      pause(pause);
      pause = Math.min(pause * 2, MAX_PAUSE_MILLIS);
    }
  }

  private void listen(Connection c, PGConnection pg) throws SQLException {
    long lastActivity = System.nanoTime();
    while (!closed) {
      PGNotification[] notices = pg.getNotifications(WAIT_MILLIS);
      long now = System.nanoTime();
      if (notices != null && notices.length > 0) {
        lastActivity = now;
        for (PGNotification n : notices) {
          try {
            onNotice.accept(n.getParameter());
          } catch (RuntimeException e) {
            log.warn("handling a task notice failed: {}", e.toString());
          }
        }
      } else if (now - lastActivity > PING_NANOS) {
        try (Statement s = c.createStatement()) {
          s.execute("SELECT 1");
        }
        lastActivity = now;
      }
    }
  }

  private void pause(long millis) {
    lock.lock();
    try {
      long left = millis * 1_000_000L;
      while (!closed && left > 0) {
        left = closing.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    } finally {
      lock.unlock();
    }
  }

  /** Stops listening and waits for the thread (at most about a quarter second while connected). */
  @Override
  public void close() {
    closed = true;
    lock.lock();
    try {
      closing.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
