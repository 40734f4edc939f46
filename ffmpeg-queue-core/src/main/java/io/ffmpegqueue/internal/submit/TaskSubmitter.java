package io.ffmpegqueue.internal.submit;

import io.ffmpegqueue.FfmpegQueueClient;
import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.Submission;
import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskListener;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import io.ffmpegqueue.ffmpeg.Progress;
import io.ffmpegqueue.support.NamedThreadFactory;
import io.ffmpegqueue.internal.events.EventBus;
import io.ffmpegqueue.io.InputFetcher;
import io.ffmpegqueue.spi.BackendListener;
import io.ffmpegqueue.spi.CancelResult;
import io.ffmpegqueue.spi.Enqueued;
import io.ffmpegqueue.spi.QueueBackend;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The submission side: validates and enqueues requests, answers queries, publishes events and completes
 * the futures of final tasks. The submit-only client is this alone; {@code FfmpegQueue} adds workers.
 */
public final class TaskSubmitter implements FfmpegQueueClient {
  private final ClientSettings settings;
  private final QueueBackend backend;
  private final EventBus bus;
  private final Map<TaskId, CompletableFuture<Task>> completions = new ConcurrentHashMap<>();
  // Tasks whose SUBMITTED event is not published yet; a worker that starts one first waits for it, so
  // listeners see SUBMITTED before STARTED.
  private final Map<TaskId, CountDownLatch> announcing = new ConcurrentHashMap<>();
  private final Function<TaskId, CompletableFuture<Task>> completionOf = this::completion;
  private volatile Consumer<TaskId> runningCanceller = id -> { };
  // Commands the policy accepted, by their text: see Accepted. At most 256 commands of at most 4 KiB.
  private static final int MAX_REMEMBERED = 256;
  private static final int MAX_REMEMBERED_COMMAND = 4096;
  private final Map<String, Accepted> accepted = new ConcurrentHashMap<>();
  private final Subscription remote;
  private volatile boolean closed;
  private static final long RECHECK_MILLIS = 5_000;
  private volatile ScheduledThreadPoolExecutor recheck;
  private final TenantRates rates;

  private TaskSubmitter(ClientSettings settings, String threadPrefix) {
    this.settings = settings;
    this.backend = settings.backend();
    this.bus = new EventBus(threadPrefix + "-events");
    this.rates = settings.tenantLimits().limitsRate() ? new TenantRates(settings.tenantLimits(), settings.clock()) : null;
    for (ClientSettings.Listener l : settings.listeners()) {
      bus.subscribe(l.type(), l.listener());
    }
    // A shared backend tells of cancels and of tasks that other processes started and finished.
    this.remote = backend.addListener(new RemoteChanges());
  }

  /** A submit-only client. */
  public static TaskSubmitter create(ClientSettings settings) {
    return new TaskSubmitter(settings, "ffq-client");
  }

  /** The submission side of a queue with workers. */
  public static TaskSubmitter forQueue(ClientSettings settings) {
    return new TaskSubmitter(settings, "ffq");
  }

  /** The settings. */
  public ClientSettings settings() {
    return settings;
  }

  /** Lets the queue stop a task its own workers run when a client cancels it. */
  public void onCancelRunning(Consumer<TaskId> canceller) {
    this.runningCanceller = canceller;
  }

  @Override
  public Submission submit(TaskRequest request) {
    if (closed) {
      throw new IllegalStateException("the queue is closed; no task can be submitted");
    }
    // The caller's request is checked (its URIs are parsed already); the stored one differs only in defaults
    // and in holding its inputs compactly.
    check(request);
    TaskRequest resolved = forStorage(request);
    if (rates != null) {
      // After the checks, so an invalid request costs no token.
      rates.acquire(resolved.tenant());
    }
    Task task = Task.pending(TaskId.random(), resolved, settings.clock().instant());
    if (!bus.hasSubscribers()) {
      Enqueued e = backend.enqueue(task);
      return new Submission(e.task(), e.created(), completionOf);
    }
    CountDownLatch latch = new CountDownLatch(1);
    announcing.put(task.id(), latch);
    try {
      Enqueued e = backend.enqueue(task);
      if (e.created()) {
        publish(TaskEvent.Type.SUBMITTED, e.task(), null);
      }
      return new Submission(e.task(), e.created(), completionOf);
    } finally {
      announcing.remove(task.id());
      latch.countDown();
    }
  }

  /**
   * The request as the task stores it: the queue's defaults filled in, so the stored task says what will
   * apply, and the inputs as {@link CompactInputs}, so a pending task does not hold parsed URIs.
   */
  private TaskRequest forStorage(TaskRequest r) {
    Map<String, URI> inputs = CompactInputs.of(r.inputs());
    if (r.timeout() != null && r.maxAttempts() != 0 && inputs == r.inputs()) {
      return r;
    }
    // The constructor directly, not toBuilder(): the builder would copy every collection twice more.
    return new TaskRequest(r.command(), inputs, r.outputs(), r.priority(),
        r.timeout() != null ? r.timeout() : settings.defaultTimeout(),
        r.maxAttempts() != 0 ? r.maxAttempts() : settings.retryPolicy().maxAttempts(),
        r.idempotencyKey(), r.metadata(), r.webhookUrl());
  }

  private void check(TaskRequest r) {
    // forEach rather than entrySet()/keySet(): those views would be cached inside the request, so every
    // pending task would carry four more objects.
    String[] inputNames = new String[r.inputs().size()];
    int[] i = {0};
    r.inputs().forEach((name, uri) -> {
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      InputFetcher fetcher = settings.fetchers().get(scheme);
      if (fetcher == null) {
        throw new InvalidTaskException("input_files", "'" + name + "' uses the URL scheme '" + scheme
            + "', which is not allowed here" + allowedSchemes());
      }
      fetcher.validate(name, uri);
      inputNames[i[0]++] = name;
    });
    List<String> outputs = r.outputs();
    Set<String> outputNames = outputs.size() == 1 ? Set.of(outputs.get(0)) : Set.copyOf(outputs);
    Set<String> inputSet = Set.of(inputNames);
    String command = r.command();
    Accepted known = accepted.get(command);
    if (known != null && known.inputs().equals(inputSet) && known.outputs().equals(outputNames)) {
      return; // the policy accepted this very command with these very names before
    }
    settings.commandPolicy().check(FfmpegCommand.parse(command), inputSet, outputNames);
    if (command.length() <= MAX_REMEMBERED_COMMAND) {
      if (accepted.size() >= MAX_REMEMBERED) {
        accepted.clear(); // bounded; a cleared entry only costs one more check
      }
      accepted.put(command, new Accepted(inputSet, outputNames));
    }
  }

  /**
   * A command the policy accepted and the declared names it was accepted with. The check depends on the
   * command's text, those names and the (immutable) policy alone, so an equal submission gets the same
   * answer; hosts send the same few command templates over and over, and parsing and checking a command
   * costs more than the rest of a submission.
   */
  private record Accepted(Set<String> inputs, Set<String> outputs) {}

  private String allowedSchemes() {
    if (settings.fetchers().isEmpty()) {
      return " (no input fetcher is registered)";
    }
    return " (allowed: " + String.join(", ", new java.util.TreeSet<>(settings.fetchers().keySet())) + ")";
  }

  /** The fetcher for {@code uri}'s scheme, or {@code null}. */
  public InputFetcher fetcherFor(URI uri) {
    return settings.fetchers().get(uri.getScheme().toLowerCase(Locale.ROOT));
  }

  @Override
  public Optional<Task> find(TaskId id) {
    return backend.find(id);
  }

  @Override
  public Optional<Task> cancel(TaskId id) {
    Optional<CancelResult> r = backend.cancel(id);
    r.ifPresent(c -> {
      if (!c.changed()) {
        return;
      }
      if (c.task().status() == TaskStatus.CANCELLED) {
        onFinal(c.task(), TaskEvent.Type.CANCELLED);
      } else if (c.task().status() == TaskStatus.RUNNING) {
        runningCanceller.accept(id);
      }
    });
    return r.map(CancelResult::task);
  }

  @Override
  public List<Task> list(TaskQuery query) {
    return backend.list(query);
  }

  @Override
  public long queueSize() {
    return backend.pendingCount();
  }

  @Override
  public Map<TaskStatus, Long> counts() {
    return backend.counts();
  }

  @Override
  public Optional<io.ffmpegqueue.WebhookDelivery> webhook(TaskId id) {
    return backend.findWebhook(id);
  }

  @Override
  public Subscription subscribe(TaskListener listener) {
    return bus.subscribe(null, listener);
  }

  @Override
  public Subscription subscribe(TaskEvent.Type type, TaskListener listener) {
    return bus.subscribe(type, listener);
  }

  /** Whether any listener would see events; lets hot paths skip building them. */
  public boolean hasListeners() {
    return bus.hasSubscribers();
  }

  /**
   * Waits until listeners have received every event published so far and completion futures are done.
   *
   * @return false when {@code timeout} passed first
   */
  public boolean awaitEventsDelivered(Duration timeout) {
    return bus.awaitIdle(timeout);
  }

  /** Publishes an event of this process's when anybody listens. */
  public void publish(TaskEvent.Type type, Task task, Progress progress) {
    publish(type, task, progress, false);
  }

  private void publish(TaskEvent.Type type, Task task, Progress progress, boolean remote) {
    if (bus.hasSubscribers()) {
      bus.publish(new TaskEvent(type, task, progress, settings.clock().instant(), remote));
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

  private CompletableFuture<Task> completion(TaskId id) {
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

  /** Fails the futures still waiting, so that nobody waits forever on a closed queue. */
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
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("ffq-recheck"));
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

  private void failWaiting() {
    for (TaskId id : List.copyOf(completions.keySet())) {
      CompletableFuture<Task> f = completions.remove(id);
      if (f != null) {
        f.completeExceptionally(new IllegalStateException("the queue was closed before task " + id + " ended"));
      }
    }
  }

  /** Stops accepting submissions. */
  public void stopAccepting() {
    closed = true;
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
  }

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
        recheck.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    remote.close();
    bus.close();
    failWaiting();
    for (AutoCloseable c : settings.owned()) {
      try {
        c.close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(TaskSubmitter.class).warn("closing {} failed: {}", c, e.toString());
      }
    }
  }
}
