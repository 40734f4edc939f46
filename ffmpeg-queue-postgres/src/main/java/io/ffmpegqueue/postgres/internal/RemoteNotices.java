package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.spi.BackendListener;
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
 * Reads the notices on the backend's channel (see {@link Statements}): wakes idle claimers when work may be
 * ready, and passes cancels and events that other backends published to the registered
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

  /** The payload prefix of this backend's notices of event {@code type}: append the task id. */
  public String event(TaskEvent.Type type) {
    return "e|" + origin + "|" + type.name() + "|";
  }

  /** The payload prefix of this backend's cancel requests: append the task id. */
  public String cancel() {
    return "c|" + origin + "|";
  }

  /** The payload prefix of events whose type the statement appends: append {@code TYPE|id}. */
  public String anyEvent() {
    return "e|" + origin + "|";
  }

  /** The payload prefix that says work is ready (the statement appends the task id, unread). */
  public String ready() {
    return "r|" + origin + "|";
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
    String[] p = payload.split("\\|", 4);
    if (p.length < 2) {
      return;
    }
    switch (p[0]) {
      case "r" -> wakeUps.wakeAll(); // also our own: a host's transaction commits after we wrote
      case "c" -> {
        if (p.length >= 3 && !origin.equals(p[1])) {
          deliver(l -> l.onCancelRequested(TaskId.of(p[2])));
        }
      }
      case "e" -> {
        if (p.length < 4) {
          return;
        }
        TaskEvent.Type type = TaskEvent.Type.valueOf(p[2]);
        if (type == TaskEvent.Type.SUBMITTED || type == TaskEvent.Type.RETRY_SCHEDULED) {
          wakeUps.wakeAll();
        }
        if (!origin.equals(p[1])) {
          deliver(l -> l.onRemoteEvent(type, TaskId.of(p[3])));
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
