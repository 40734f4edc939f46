package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.ffmpeg.Progress;
import io.ffmpegqueue.spi.BackendListener;
import io.ffmpegqueue.support.ProgressText;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the notices on the backend's channel (see {@link Statements} for their form): wakes idle claimers
 * when work may be ready, and passes cancels and events that other backends published to the registered
 * {@link BackendListener}s, on one thread of its own so that they arrive in order and a slow listener does
 * not hold up the wake-ups.
 */
public final class RemoteNotices implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RemoteNotices.class);
  private static final int BACKLOG = 100_000;

  private final String origin;
  private final WakeUps wakeUps;
  private final List<BackendListener> listeners = new CopyOnWriteArrayList<>();
  private final ThreadPoolExecutor delivery;
  private volatile boolean warnedFull;

  /** Notices for a backend whose own notices carry {@code origin}. */
  public RemoteNotices(String origin, WakeUps wakeUps) {
    this.origin = origin;
    this.wakeUps = wakeUps;
    this.delivery = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(BACKLOG), r -> {
      Thread t = new Thread(r, "ffq-pg-events");
      t.setDaemon(true);
      return t;
    });
    this.delivery.allowCoreThreadTimeOut(true);
  }

  /** The payload prefix of this backend's cancel requests: append the task id. */
  public String cancel() {
    return "c|" + origin + "|";
  }

  /**
   * The payload prefix of the ready notice that an enqueue in a host's transaction sends itself (the
   * statement appends the task id, unread). Unlike the gathered ones, it wakes this process too: nothing
   * woke it when the row was written, since the row was not there for others until the host committed.
   */
  public String readyAtCommit() {
    return "R|" + origin + "|";
  }

  /** Registers a listener. */
  public void add(BackendListener l) {
    listeners.add(l);
  }

  /** Unregisters a listener. */
  public void remove(BackendListener l) {
    listeners.remove(l);
  }

  /** Handles one payload, on the notice listener's thread. */
  public void accept(String payload) {
    String[] p = payload.split("\\|", 3);
    if (p.length < 2) {
      return;
    }
    switch (p[0]) {
      case "r" -> {
        if (!origin.equals(p[1])) {
          wakeUps.wakeAll(); // our own enqueues woke our claimers already
        }
      }
      case "R" -> wakeUps.wakeAll();
      case "c" -> {
        if (p.length >= 3 && !origin.equals(p[1])) {
          deliver(l -> l.onCancelRequested(TaskId.of(p[2])));
        }
      }
      case "E" -> {
        if (p.length < 3) {
          return;
        }
        boolean remote = !origin.equals(p[1]);
        for (String event : p[2].split(";")) {
          int colon = event.indexOf(':');
          if (colon < 0) {
            continue;
          }
          TaskEvent.Type type = TaskEvent.Type.valueOf(event.substring(0, colon));
          if (type == TaskEvent.Type.RETRY_SCHEDULED) {
            wakeUps.wakeAll();
          }
          if (!remote) {
            continue;
          }
          String id = event.substring(colon + 1);
          int detail = id.indexOf(':');
          if (type == TaskEvent.Type.PROGRESS && detail > 0) {
            Progress progress = ProgressText.parse(id.substring(detail + 1));
            TaskId task = TaskId.of(id.substring(0, detail));
            if (progress != null) {
              deliver(l -> l.onRemoteProgress(task, progress));
            }
          } else if (type != TaskEvent.Type.PROGRESS) {
            deliver(l -> l.onRemoteEvent(type, TaskId.of(id)));
          }
        }
      }
      default -> { }
    }
  }

  private void deliver(Consumer<BackendListener> call) {
    if (listeners.isEmpty()) {
      return;
    }
    try {
      delivery.execute(() -> {
        for (BackendListener l : listeners) {
          try {
            call.accept(l);
          } catch (RuntimeException e) {
            log.warn("a backend listener failed: {}", e.toString());
          }
        }
      });
    } catch (RejectedExecutionException e) {
      if (!warnedFull && !delivery.isShutdown()) {
        warnedFull = true;
        log.warn("backend listeners are {} notices behind; dropping notices", BACKLOG);
      }
    }
  }

  /** Stops delivering. */
  @Override
  public void close() {
    delivery.shutdownNow();
  }
}
