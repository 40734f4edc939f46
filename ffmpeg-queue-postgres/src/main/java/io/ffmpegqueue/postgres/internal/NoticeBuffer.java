package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.ffmpeg.Progress;
import io.ffmpegqueue.support.ProgressText;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Gathers the notices of this process (work is ready, task events) and sends them a few at a time, after the
 * writes they tell of have committed. A notice sent in every write would cost each commit the server's
 * notice-queue lock and every listening process a wake-up per task; gathered, a process sends at most one
 * batch per {@code window}. The first notice after a quiet spell goes out at once, so sparse work is heard of
 * within about a millisecond; in a burst, the rest wait for the window's end.
 *
 * <p>Best effort, as notices are anyway: what is gathered when the process dies, or while the database is
 * away, is not sent (the tasks' state is right; idle workers find work by their poll).
 */
public final class NoticeBuffer implements AutoCloseable {
  // A payload may be up to 8000 bytes; ids are at most 128 characters.
  private static final int MAX_PAYLOAD = 7_000;

  private final String origin;
  private final long windowNanos;
  private final Consumer<List<String>> sender;
  private final ScheduledExecutorService timer;
  private final List<String> events = new ArrayList<>();
  private boolean ready;
  private boolean flushDue;
  private long lastFlushNanos;
  private boolean everFlushed;

  /**
   * A buffer for the notices of the backend with {@code origin}; {@code sender} sends a batch of payloads in
   * one statement, on the buffer's thread.
   */
  public NoticeBuffer(String origin, long windowNanos, Consumer<List<String>> sender) {
    this.origin = origin;
    this.windowNanos = windowNanos;
    this.sender = sender;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ffq-pg-notices");
      t.setDaemon(true);
      return t;
    });
  }

  /** The payload prefix of this backend's ready notice. */
  public String readyPayload() {
    return "r|" + origin + "|";
  }

  /** Work is ready: wake the idle workers of every process. */
  public synchronized void ready() {
    ready = true;
    scheduleFlush();
  }

  /** Something happened to a task, for the listeners of other processes. */
  /** Tells of the tasks a reap changed: each one's end, or its retry. */
  public synchronized void reaped(List<io.ffmpegqueue.Task> changed) {
    for (io.ffmpegqueue.Task t : changed) {
      event(switch (t.status()) {
        case FAILED -> TaskEvent.Type.FAILED;
        case CANCELLED -> TaskEvent.Type.CANCELLED;
        default -> TaskEvent.Type.RETRY_SCHEDULED;
      }, t.id());
    }
  }

  /** Tells of one event of a task. */
  public synchronized void event(TaskEvent.Type type, TaskId id) {
    events.add(type.name() + ":" + id.value());
    if (type == TaskEvent.Type.RETRY_SCHEDULED) {
      ready = true;
    }
    scheduleFlush();
  }

  /** A task running here made progress, for the listeners of other processes. */
  public synchronized void progress(TaskId id, Progress p) {
    events.add(TaskEvent.Type.PROGRESS.name() + ":" + id.value() + ":" + ProgressText.of(p));
    scheduleFlush();
  }

  private void scheduleFlush() {
    if (flushDue) {
      return;
    }
    long now = System.nanoTime();
    long delay = everFlushed ? Math.max(0, lastFlushNanos + windowNanos - now) : 0;
    try {
      timer.schedule(this::flush, delay, TimeUnit.NANOSECONDS);
      flushDue = true;
    } catch (RejectedExecutionException e) {
      // closing: dropped
    }
  }

  private void flush() {
    List<String> payloads = new ArrayList<>();
    synchronized (this) {
      flushDue = false;
      everFlushed = true;
      lastFlushNanos = System.nanoTime();
      if (ready) {
        payloads.add(readyPayload());
        ready = false;
      }
      StringBuilder sb = null;
      for (String e : events) {
        if (sb != null && sb.length() + e.length() + 1 > MAX_PAYLOAD) {
          payloads.add(sb.toString());
          sb = null;
        }
        if (sb == null) {
          sb = new StringBuilder("E|").append(origin).append('|').append(e);
        } else {
          sb.append(';').append(e);
        }
      }
      if (sb != null) {
        payloads.add(sb.toString());
      }
      events.clear();
    }
    if (!payloads.isEmpty()) {
      sender.accept(payloads);
    }
  }

  /**
   * Sends what is gathered and stops; waits two seconds at most (a database that is away does not hold up a
   * host's shutdown: the daemon thread gives up on its own).
   */
  @Override
  public void close() {
    try {
      timer.execute(this::flush);
    } catch (RejectedExecutionException e) {
      return; // closed already
    }
    timer.shutdown();
    try {
      timer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sends a batch of notices in one statement; when the database is away they are lost (workers poll). */
  public static Consumer<List<String>> sender(Jdbc db, Statements sql) {
    return payloads -> {
      try {
        db.run("send notices", false, c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.sendNotices())) {
            ps.setArray(1, c.createArrayOf("text", payloads.toArray()));
            ps.execute();
          }
          return null;
        });
      } catch (RuntimeException e) {
        // The database is away; workers find the work by their poll, and the events of this moment are lost.
      }
    };
  }
}
