package io.ffmpegqueue.examples.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.ffmpegqueue.FfmpegQueueClient;
import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.Progress;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /ffmpeg/tasks/{id}/events}: a Server-Sent Events stream of one task, for live progress bars.
 * It opens with a {@code status} event (the task as it is), then {@code started}, {@code progress},
 * {@code retry_scheduled} as they happen, and ends after the final {@code completed}, {@code failed} or
 * {@code cancelled} event. Each {@code data:} line is one JSON object: the task in its wire form, or for
 * {@code progress} the task id with {@code progress}, {@code out_time_seconds}, {@code fps},
 * {@code speed} and {@code eta_seconds}.
 *
 * <p>Events come from a subscription on the client, closed when the stream ends or the HTTP client goes
 * away (a comment line is written every second without news, so a gone client is noticed at once). When
 * nothing arrives for a second the task is also read from the backend, so a stream still ends when the
 * task ran on a worker in another process. The events are the same whatever the backend and wherever the
 * worker runs: a shared backend relays a remote worker's progress with its detail (see
 * {@code BackendListener.onRemoteProgress}); should a relayed notice be lost, a changed fraction read from the
 * backend still comes as a {@code progress} event, a start read from the backend before its notice as the
 * {@code started} event (once per attempt), and any other changed status or attempt as a {@code status} event. Streams run on their own bounded set of threads, so that they never hold the threads that answer the
 * API.
 */
final class EventStreams implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventStreams.class);
  private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);
  // Progress events beyond this backlog are dropped for a slow client; others are always kept.
  private static final int PROGRESS_BACKLOG = 256;

  private final FfmpegQueueClient client;
  private final TaskEndpoints tasks;
  private final int maxStreams;
  private final Semaphore permits;
  private final ExecutorService executor;
  private final AtomicInteger open = new AtomicInteger();
  private volatile boolean closed;

  EventStreams(FfmpegQueueClient client, TaskEndpoints tasks, int maxStreams) {
    this.client = client;
    this.tasks = tasks;
    this.maxStreams = maxStreams;
    this.permits = new Semaphore(maxStreams);
    AtomicInteger n = new AtomicInteger();
    // The permits bound the streams; the queue only holds a stream whose thread is still finishing the last.
    ThreadPoolExecutor pool = new ThreadPoolExecutor(maxStreams, maxStreams, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "ffq-http-events-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    this.executor = pool;
  }

  /** How many streams are open now. */
  int openCount() {
    return open.get();
  }

  /**
   * Starts the stream of task {@code id} and returns; the stream goes on on a thread of its own, which
   * closes the exchange at its end.
   *
   * @return true when the exchange was handed over (the caller must not close it)
   */
  boolean start(HttpExchange ex, String id) throws IOException {
    Task first = tasks.find(id);
    if (closed || !permits.tryAcquire()) {
      throw new ApiException(503, "too_many_streams", "more than " + maxStreams
          + " event streams are open; poll /ffmpeg/status/" + id + " instead or try again later", null,
          Map.of("Retry-After", "5"));
    }
    try {
      executor.execute(() -> {
        open.incrementAndGet();
        try {
          stream(ex, first);
        } finally {
          open.decrementAndGet();
          permits.release();
          ex.close();
        }
      });
      return true;
    } catch (RejectedExecutionException e) {
      permits.release();
      throw new ApiException(503, "unavailable", "the server is shutting down", null, Map.of("Retry-After", "5"));
    }
  }

  private void stream(HttpExchange ex, Task first) {
    TaskId id = first.id();
    BlockingQueue<TaskEvent> events = new LinkedBlockingQueue<>();
    AtomicInteger progressBacklog = new AtomicInteger();
    Subscription sub = client.subscribe(e -> {
      if (e.taskId().equals(id)) {
        if (e.type() == TaskEvent.Type.PROGRESS && progressBacklog.incrementAndGet() > PROGRESS_BACKLOG) {
          progressBacklog.decrementAndGet();
          return;
        }
        events.add(e);
      }
    });
    try {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      ex.getResponseHeaders().set("X-Accel-Buffering", "no");
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      // Read again after subscribing: an event between the first read and the subscription is not lost.
      Task last = client.find(id).orElse(first);
      int started = last.status() == TaskStatus.RUNNING ? last.attempt() : 0; // the attempt whose start was told
      write(out, "status", TaskJson.toJson(last));
      if (last.status().isFinal()) {
        write(out, last.status().wireName(), TaskJson.toJson(last));
        return;
      }
      while (!closed) {
        TaskEvent e = events.poll(1, TimeUnit.SECONDS);
        if (e != null) {
          if (e.type() == TaskEvent.Type.PROGRESS) {
            progressBacklog.decrementAndGet();
            write(out, "progress", progressJson(e));
          } else if (e.type() == TaskEvent.Type.STARTED && e.task().attempt() <= started) {
            // this start was already told from the stored task (its notice came after the read)
          } else {
            write(out, e.type().name().toLowerCase(java.util.Locale.ROOT), TaskJson.toJson(e.task()));
            if (e.type().isFinal()) {
              return;
            }
            started = e.type() == TaskEvent.Type.STARTED ? e.task().attempt() : started;
          }
          last = e.task();
          continue;
        }
        Optional<Task> now = client.find(id);
        if (now.isEmpty()) {
          write(out, "gone", HttpIo.errorBody("not_found", "task " + id + " no longer exists", null));
          return;
        }
        Task t = now.get();
        if (t.status().isFinal()) {
          write(out, t.status().wireName(), TaskJson.toJson(t));
          return;
        }
        if (t.status() == TaskStatus.RUNNING && t.attempt() > started) {
          // A remote worker's start read before its notice arrives: told as the start it is, once.
          write(out, "started", TaskJson.toJson(t));
          started = t.attempt();
          last = t;
        } else if (t.status() != last.status() || t.attempt() != last.attempt()) {
          write(out, "status", TaskJson.toJson(t));
          last = t;
        } else if (!Objects.equals(t.progress(), last.progress())) {
          // A progress notice from another process was lost: the stored fraction, as a progress event.
          write(out, "progress", progressJson(new TaskEvent(TaskEvent.Type.PROGRESS, t, null, Instant.now())));
          last = t;
        } else {
          out.write(KEEP_ALIVE);
          out.flush();
        }
      }
    } catch (IOException e) {
      log.debug("event stream of task {} ended: the client went away ({})", id, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("event stream of task {} failed", id, e);
    } finally {
      sub.close();
    }
  }

  private static ObjectNode progressJson(TaskEvent e) {
    ObjectNode n = TaskJson.mapper().createObjectNode();
    n.put("task_id", e.taskId().value());
    n.put("status", e.task().status().wireName());
    Progress p = e.progress();
    n.put("progress", p == null ? e.task().progress() : p.fraction());
    if (p != null) {
      n.put("out_time_seconds", p.outTime().toMillis() / 1000.0);
      n.put("fps", p.fps());
      n.put("speed", p.speed());
      if (p.eta() == null) {
        n.putNull("eta_seconds");
      } else {
        n.put("eta_seconds", p.eta().toMillis() / 1000.0);
      }
    }
    return n;
  }

  private static void write(OutputStream out, String event, ObjectNode data) throws IOException {
    String json;
    try {
      json = TaskJson.mapper().writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an event as JSON", e);
    }
    // JSON text from Jackson has no raw newlines, so one data line holds it.
    out.write(("event: " + event + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Ends every stream within a second and stops their threads. */
  @Override
  public void close() {
    closed = true;
    executor.shutdown();
    try {
      if (!executor.awaitTermination(3, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
