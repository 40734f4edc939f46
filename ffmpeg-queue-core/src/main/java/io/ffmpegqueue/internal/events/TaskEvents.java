package io.ffmpegqueue.internal.events;

import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskListener;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.Progress;
import io.ffmpegqueue.spi.BackendListener;
import io.ffmpegqueue.spi.Enqueued;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.support.NamedThreadFactory;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The task-events hub that the submit side, the workers and the webhook sender share: it publishes events
 * to listeners (through the {@link EventBus}), completes the futures of tasks that end, relays what a shared
 * backend hears from other processes, keeps SUBMITTED before STARTED, and holds the hook that stops a task
 * this process's workers run when a cancel arrives.
 */
public final class TaskEvents implements AutoCloseable {
  private static final long RECHECK_MILLIS = 5_000;

  private final QueueBackend backend;
  private final InstantSource clock;
  private final EventBus bus;
  private final Map<TaskId, CompletableFuture<Task>> completions = new ConcurrentHashMap<>();
  // Tasks whose SUBMITTED event is not published yet; a worker that starts one first waits for it, so
  // listeners see SUBMITTED before STARTED.
  private final Map<TaskId, CountDownLatch> announcing = new ConcurrentHashMap<>();
  private volatile Consumer<TaskId> runningCanceller = id -> { };
  private final Subscription remote;
  private volatile boolean closed;
  private volatile ScheduledThreadPoolExecutor recheck;
  private volatile Thread recheckThread; // joined on close: termination is signalled before it has exited

  /** A hub whose event threads are named {@code threadPrefix-events-N}. */
  public TaskEvents(QueueBackend backend, InstantSource clock, String threadPrefix) {
    this.backend = backend;
    this.clock = clock;
    this.bus = new EventBus(threadPrefix + "-events");
    // A shared backend tells of cancels and of tasks that other processes started and finished.
    this.remote = backend.addListener(new RemoteChanges());
  }

  /** Subscribes {@code listener} to events of {@code type}, or to every event when {@code type} is null. */
  public Subscription subscribe(TaskEvent.Type type, TaskListener listener) {
    return bus.subscribe(type, listener);
  }

  /** Whether any listener would see events; lets hot paths skip building them. */
  public boolean hasListeners() {
    return bus.hasSubscribers();
  }

  /**
   * Stores a new task through {@code enqueue} and publishes its SUBMITTED event when it was created; a
   * worker that starts the task meanwhile publishes STARTED only after that.
   */
  public Enqueued submitted(TaskId id, Supplier<Enqueued> enqueue) {
    if (!bus.hasSubscribers()) {
      return enqueue.get();
    }
    CountDownLatch latch = new CountDownLatch(1);
    announcing.put(id, latch);
    try {
      Enqueued e = enqueue.get();
      if (e.created()) {
        publish(TaskEvent.Type.SUBMITTED, e.task(), null);
      }
      return e;
    } finally {
      announcing.remove(id);
      latch.countDown();
    }
  }

  /** Publishes an event of this process's when anybody listens. */
  public void publish(TaskEvent.Type type, Task task, Progress progress) {
    publish(type, task, progress, false);
  }

  private void publish(TaskEvent.Type type, Task task, Progress progress, boolean remote) {
    if (bus.hasSubscribers()) {
      bus.publish(new TaskEvent(type, task, progress, clock.instant(), remote));
    }
  }

  /** Publishes STARTED, after the task's SUBMITTED event if that is still being published. */
  public void publishStarted(Task task) {
    if (!bus.hasSubscribers()) {
      return;
    }
    CountDownLatch latch = announcing.get(task.id());
    if (latch != null) {
      try {
        latch.await(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    publish(TaskEvent.Type.STARTED, task, null);
  }

  /** Publishes a final event of this process's and completes the task's future. */
  public void onFinal(Task task, TaskEvent.Type type) {
    onFinal(task, type, false);
  }

  private void onFinal(Task task, TaskEvent.Type type, boolean remote) {
    publish(type, task, null, remote);
    if (!completions.isEmpty()) {
      CompletableFuture<Task> f = completions.remove(task.id());
      if (f != null) {
        // Off the calling (worker) thread: dependants of the future run where it completes.
        bus.execute(() -> f.complete(task));
      }
    }
  }

  /** The future that completes when task {@code id} ends. */
  public CompletableFuture<Task> completion(TaskId id) {
    CompletableFuture<Task> f = completions.computeIfAbsent(id, k -> new CompletableFuture<>());
    startRecheck();
    // The task may have ended before the future was asked for.
    backend.find(id).filter(t -> t.status().isFinal()).ifPresent(t -> {
      if (completions.remove(id, f)) {
        f.complete(t);
      }
    });
    return f;
  }

  /** Lets the workers of this process stop a task they run when a cancel for it arrives. */
  public void onCancelRunning(Consumer<TaskId> canceller) {
    this.runningCanceller = canceller;
  }

  /** Stops task {@code id} if this process's workers run it. */
  public void cancelRunning(TaskId id) {
    runningCanceller.accept(id);
  }

  /**
   * Waits until listeners have received every event published so far and completion futures are done.
   *
   * @return false when {@code timeout} passed first
   */
  public boolean awaitDelivered(Duration timeout) {
    return bus.awaitIdle(timeout);
  }

  /**
   * Events from other processes are best effort (a notification can be lost while a connection is down),
   * so a future must not hang on one: while any future waits, its task is looked up now and then.
   */
  private void startRecheck() {
    if (recheck != null || closed) {
      return;
    }
    synchronized (this) {
      if (recheck == null && !closed) {
        NamedThreadFactory names = new NamedThreadFactory("ffq-recheck");
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> recheckThread = names.newThread(r));
        ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        ex.scheduleWithFixedDelay(this::recheckWaiting, RECHECK_MILLIS, RECHECK_MILLIS, TimeUnit.MILLISECONDS);
        recheck = ex;
      }
    }
  }

  private void recheckWaiting() {
    for (TaskId id : List.copyOf(completions.keySet())) {
      try {
        backend.find(id).filter(t -> t.status().isFinal()).ifPresent(t -> {
          CompletableFuture<Task> f = completions.remove(id);
          if (f != null) {
            bus.execute(() -> f.complete(t));
          }
        });
      } catch (RuntimeException e) {
        return; // the backend is away; the next round tries again
      }
    }
  }

  /** Fails the futures still waiting, so that nobody waits forever on a closed queue. */
  private void failWaiting() {
    for (TaskId id : List.copyOf(completions.keySet())) {
      CompletableFuture<Task> f = completions.remove(id);
      if (f != null) {
        f.completeExceptionally(new IllegalStateException("the queue was closed before task " + id + " ended"));
      }
    }
  }

  /**
   * Turns what a shared backend heard from other processes into what this process would have done itself:
   * stopping a task its workers run, publishing events and completing futures.
   */
  private final class RemoteChanges implements BackendListener {
    @Override
    public void onCancelRequested(TaskId id) {
      runningCanceller.accept(id);
    }

    @Override
    public void onRemoteEvent(TaskEvent.Type type, TaskId id) {
      boolean waited = type.isFinal() && completions.containsKey(id);
      if (!waited && !bus.hasSubscribers()) {
        return; // nobody here cares, so no read
      }
      Optional<Task> found;
      try {
        found = backend.find(id);
      } catch (RuntimeException e) {
        return; // the backend is away; the event is lost to this process, the task's state is not
      }
      found.ifPresent(t -> {
        if (!type.isFinal()) {
          publish(type, t, null, true);
        } else if (t.status().isFinal()) {
          onFinal(t, type, true);
        }
      });
    }

    @Override
    public void onRemoteProgress(TaskId id, Progress progress) {
      if (!bus.hasSubscribers()) {
        return; // nobody here listens, so no read
      }
      try {
        backend.find(id).filter(t -> t.status() == TaskStatus.RUNNING).ifPresent(t ->
            publish(TaskEvent.Type.PROGRESS, t.toBuilder().progress(progress.fraction()).build(), progress, true));
      } catch (RuntimeException e) {
        // the backend is away: this progress is lost to this process; later ones follow
      }
    }
  }

  /** Stops relaying and delivering, and fails the futures still waiting. */
  @Override
  public void close() {
    closed = true;
    synchronized (this) {
      if (recheck != null) {
        recheck.shutdownNow();
      }
    }
    if (recheck != null) {
      try {
        Thread t = recheckThread;
        if (recheck.awaitTermination(5, TimeUnit.SECONDS) && t != null) {
          t.join(5_000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    remote.close();
    bus.close();
    failWaiting();
  }
}
