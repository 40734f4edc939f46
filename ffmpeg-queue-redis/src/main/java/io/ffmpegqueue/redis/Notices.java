package io.ffmpegqueue.redis;

import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.ffmpeg.Progress;
import io.ffmpegqueue.spi.BackendListener;
import io.ffmpegqueue.support.ProgressText;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the scripts publish on the queue's channel, heard by every backend of the queue: {@code R|origin} (a
 * task is ready), {@code E|origin|TYPE|id} (an event; {@code E|*|TYPE|id id ...} for the tasks a task graph changed,
 * which every process hears, the calling one too), {@code P|origin|detail|id} (progress, the detail as
 * {@link ProgressText} writes it) and {@code C|origin|id} (a cancel was requested). Every message but
 * progress wakes the claimers of this process that wait for work (a task may be ready, or a tenant may have
 * room again); events and cancels from other origins go to the {@link BackendListener}s, on a thread of their
 * own, so a listener that reads the backend never blocks the connection's thread.
 */
final class Notices extends RedisPubSubAdapter<String, String> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Notices.class);

  private final String origin;
  private final WakeUps wakeUps;
  private final List<BackendListener> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService calls = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "ffq-redis-notices");
    t.setDaemon(true);
    return t;
  });

  Notices(String origin, WakeUps wakeUps) {
    this.origin = origin;
    this.wakeUps = wakeUps;
  }

  void add(BackendListener l) {
    listeners.add(l);
  }

  void remove(BackendListener l) {
    listeners.remove(l);
  }

  @Override
  public void message(String channel, String message) {
    if (!message.startsWith("P|")) {
      wakeUps.wakeAll(); // progress never makes work ready
    }
    if (listeners.isEmpty() || message.length() < 2) {
      return;
    }
    String[] p = message.split("\\|", 4);
    if (p.length < 3 || p[1].equals(origin)) {
      return;
    }
    if (p[0].equals("C")) {
      TaskId id = TaskId.of(p[2]);
      dispatch(l -> l.onCancelRequested(id));
    } else if (p[0].equals("E") && p.length == 4) {
      TaskEvent.Type type = TaskEvent.Type.valueOf(p[2]);
      for (String each : p[3].split(" ")) {
        TaskId id = TaskId.of(each);
        dispatch(l -> l.onRemoteEvent(type, id));
      }
    } else if (p[0].equals("P") && p.length == 4) {
      Progress progress = ProgressText.parse(p[2]);
      TaskId id = TaskId.of(p[3]);
      if (progress != null) {
        dispatch(l -> l.onRemoteProgress(id, progress));
      }
    }
  }

  private void dispatch(Consumer<BackendListener> call) {
    try {
      calls.execute(() -> {
        for (BackendListener l : listeners) {
          try {
            call.accept(l);
          } catch (RuntimeException e) {
            log.warn("a backend listener failed: {}", e.toString());
          }
        }
      });
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  @Override
  public void close() {
    calls.shutdownNow();
  }
}
