package io.ffmpegqueue.testing;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.FfmpegQueueClient;
import io.ffmpegqueue.Submission;
import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskListener;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.WorkerDriver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An {@link FfmpegQueue} wired with fakes, whose workers run on the test's thread: nothing happens until
 * the test calls {@link #runNext()} or {@link #runUntilIdle()}, so tests are deterministic. Time moves only
 * with the {@link ManualClock}; {@link #tick()} does what the queue's supervisor thread would (timeouts,
 * lease renewal, reaping, retention). After each call, listeners have received the events it caused.
 *
 * <pre>{@code
 * try (FfmpegQueueHarness queue = FfmpegQueueHarness.create()) {
 *   queue.runner().enqueue(FakeOutcome.fail(1, "Conversion failed!"));
 *   Submission s = queue.submit(request);
 *   queue.runUntilIdle();
 *   assertEquals(TaskStatus.FAILED, queue.find(s.id()).orElseThrow().status());
 * }
 * }</pre>
 *
 * It is an {@link FfmpegQueueClient}, so code under test that takes one can be given the harness itself;
 * code that takes an {@link FfmpegQueue} gets {@link #queue()}. The
 * {@link FfmpegQueueExtension JUnit extension} makes one per test.
 */
public final class FfmpegQueueHarness implements FfmpegQueueClient {
  /** The most attempts {@link #runUntilIdle()} runs before it decides tasks are looping. */
  public static final int DEFAULT_MAX_RUNS = 1000;
  private static final Duration EVENTS_TIMEOUT = Duration.ofSeconds(10);
  private static final AtomicInteger BACKGROUND_THREADS = new AtomicInteger();

  private final FfmpegQueue queue;
  private final WorkerDriver workers; // null when worker threads run the tasks
  private final FakeFfmpegRunner runner;
  private final InMemoryStorage storage;
  private final ManualClock clock;
  private final RecordingTaskListener listener;
  private final FakeInputFetcher fetcher;
  private final Path workspaceRoot;
  private final int maxRuns;
  private final List<Thread> background = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private FfmpegQueueHarness(Builder b) {
    this.runner = b.runner != null ? b.runner : new FakeFfmpegRunner();
    this.storage = b.storage != null ? b.storage : new InMemoryStorage();
    this.clock = b.clock != null ? b.clock : new ManualClock();
    this.listener = b.listener != null ? b.listener : new RecordingTaskListener();
    this.fetcher = b.fetcher != null ? b.fetcher : new FakeInputFetcher();
    this.maxRuns = b.maxRuns;
    try {
      this.workspaceRoot = Files.createTempDirectory("ffq-harness-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a workspace folder for the test queue", e);
    }
    FfmpegQueue.Builder qb = FfmpegQueue.builder()
        .runner(runner)
        .storage(storage)
        .fetcher(fetcher)
        .clock(clock)
        .listener(listener)
        .workspaceRoot(workspaceRoot)
        .minFreeSpace(0)
        .drainTimeout(Duration.ZERO) // a task still running at close is stopped at once: a test is over
        .stopTimeout(Duration.ofSeconds(5))
        .workerId("test-worker");
    boolean driven = b.workerThreads == 0;
    if (driven) {
      qb.workers(4);
    } else {
      qb.workers(b.workerThreads).pollWait(Duration.ofMillis(100));
    }
    for (Consumer<FfmpegQueue.Builder> c : b.queueOptions) {
      c.accept(qb);
    }
    try {
      this.workers = driven ? WorkerDriver.build(qb) : null;
      this.queue = driven ? workers.queue() : qb.build();
    } catch (RuntimeException e) {
      Await.deleteTree(workspaceRoot);
      throw e;
    }
  }

  /** A harness with every default: fake runner, in-memory storage, manual clock, workers on the test thread. */
  public static FfmpegQueueHarness create() {
    return builder().build();
  }

  /** A builder for a harness. */
  public static Builder builder() {
    return new Builder();
  }

  /** The queue itself, for code under test that takes an {@link FfmpegQueue}. */
  public FfmpegQueue queue() {
    return queue;
  }

  /** The runner every task runs through. */
  public FakeFfmpegRunner runner() {
    return runner;
  }

  /** Where outputs are stored. */
  public InMemoryStorage storage() {
    return storage;
  }

  /** The queue's clock (and the default backend's). */
  public ManualClock clock() {
    return clock;
  }

  /** A listener subscribed to every event from the start. */
  public RecordingTaskListener listener() {
    return listener;
  }

  /** The fetcher for {@code test:}, {@code http:} and {@code https:} inputs. */
  public FakeInputFetcher fetcher() {
    return fetcher;
  }

  /**
   * Runs the next ready task (by priority, then submission order) on this thread, through the whole
   * pipeline: fetch with the fake fetcher, the fake runner, storage, retry policy, events.
   *
   * @return the task as it is after the attempt, or empty when no task was ready (a retry waiting for its
   *     time is not ready until the clock reaches it)
   */
  public Optional<Task> runNext() {
    Optional<TaskId> ran = manual("runNext").runNext();
    awaitEvents();
    return ran.flatMap(queue::find);
  }

  /**
   * Runs tasks on this thread until none is ready; tasks waiting for a retry are left waiting (advance the
   * clock and call again).
   *
   * @return how many attempts ran
   * @throws IllegalStateException when tasks are still ready after {@link Builder#maxRuns(int)} attempts, as when
   *     something keeps submitting or retrying at once
   */
  public int runUntilIdle() {
    WorkerDriver w = manual("runUntilIdle");
    int n = 0;
    while (n < maxRuns && w.runNext().isPresent()) {
      n++;
    }
    awaitEvents();
    if (n == maxRuns && readyTaskWaits()) {
      throw new IllegalStateException("runUntilIdle ran " + maxRuns + " attempts and tasks are still ready;"
          + " does something submit or retry without end? Raise Builder.maxRuns if this is meant");
    }
    return n;
  }

  /**
   * Submits {@code request}, runs tasks until none is ready ({@link #runUntilIdle()}), and returns the task as
   * it then is: final, or PENDING when a retry waits for its time.
   */
  public Task submitAndRun(TaskRequest request) {
    Submission s = submit(request);
    runUntilIdle();
    return queue.find(s.id()).orElseThrow(() -> new IllegalStateException("task " + s.id()
        + " is gone: pruned by the backend's retention right after it ended"));
  }

  private boolean readyTaskWaits() {
    Instant now = clock.instant();
    return queue.list(TaskQuery.of(TaskStatus.PENDING, 1000)).stream().anyMatch(t -> !t.runAt().isAfter(now));
  }

  /**
   * Runs the next ready task on a thread of the harness and returns at once: for tasks that run until
   * stopped ({@link FakeOutcome#hang()}), which the test then cancels, times out (advance the clock past
   * the timeout and {@link #tick()}) or shuts down. {@code runner().takeJob()} waits until it is in ffmpeg.
   */
  public BackgroundRun runNextInBackground() {
    WorkerDriver w = manual("runNextInBackground");
    CompletableFuture<Optional<Task>> result = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        Optional<TaskId> ran = w.runNext();
        awaitEvents();
        result.complete(ran.flatMap(queue::find));
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }, "ffq-test-worker-" + BACKGROUND_THREADS.incrementAndGet());
    t.setDaemon(true);
    background.add(t);
    t.start();
    return new BackgroundRun(result);
  }

  /**
   * Does what the queue's supervisor thread does, once, by the manual clock: stops tasks past their
   * timeout, renews the leases of running tasks, returns expired leases to the queue and prunes final
   * tasks past their retention.
   */
  public void tick() {
    manual("tick").superviseOnce();
    awaitEvents();
  }

  /** Moves the clock forward by {@code d}, then {@link #tick()}s. */
  public void advance(Duration d) {
    clock.advance(d);
    if (workers != null) {
      tick();
    }
  }

  private WorkerDriver manual(String what) {
    if (workers == null) {
      throw new IllegalStateException(what + "() is for a harness whose workers run on the test thread;"
          + " this one has worker threads (Builder.workerThreads)");
    }
    return workers;
  }

  private <T> T afterEvents(T value) {
    awaitEvents();
    return value;
  }

  private void awaitEvents() {
    if (workers != null && !closed && !workers.awaitEventsDelivered(EVENTS_TIMEOUT)) {
      throw new IllegalStateException("the queue's listeners did not take its events within "
          + EVENTS_TIMEOUT.toSeconds() + " s; is a listener blocked?");
    }
  }

  /** Submits; listeners have received the task's SUBMITTED event when this returns. */
  @Override
  public Submission submit(TaskRequest request) {
    return afterEvents(queue.submit(request));
  }

  @Override
  public Submission submit(TaskId id, TaskRequest request) {
    return afterEvents(queue.submit(id, request));
  }

  @Override
  public Optional<Task> find(TaskId id) {
    return queue.find(id);
  }

  /** Cancels; listeners have received the CANCELLED event of a pending task when this returns. */
  @Override
  public Optional<Task> cancel(TaskId id) {
    return afterEvents(queue.cancel(id));
  }

  @Override
  public List<Task> list(TaskQuery query) {
    return queue.list(query);
  }

  @Override
  public long queueSize() {
    return queue.queueSize();
  }

  @Override
  public Map<TaskStatus, Long> counts() {
    return queue.counts();
  }

  @Override
  public Subscription subscribe(TaskListener listener) {
    return queue.subscribe(listener);
  }

  @Override
  public Subscription subscribe(TaskEvent.Type type, TaskListener listener) {
    return queue.subscribe(type, listener);
  }

  /**
   * Closes the queue (a task still running in the background is stopped and released), waits for the
   * harness's threads and removes its workspace folder. Closing twice is harmless.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      queue.close();
      for (Thread t : background) {
        t.join(TimeUnit.SECONDS.toMillis(30));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      Await.deleteTree(workspaceRoot);
    }
  }

  @Override
  public String toString() {
    return "FfmpegQueueHarness[" + (workers != null ? "workers on the test thread" : "worker threads") + ", "
        + clock + "]";
  }

  /** A task running on a harness thread, started by {@link #runNextInBackground()}. */
  public static final class BackgroundRun {
    private final CompletableFuture<Optional<Task>> result;

    private BackgroundRun(CompletableFuture<Optional<Task>> result) {
      this.result = result;
    }

    /** Whether the attempt has ended. */
    public boolean isDone() {
      return result.isDone();
    }

    /** {@link #await(Duration)} for up to 10 seconds. */
    public Optional<Task> await() {
      return await(Duration.ofSeconds(10));
    }

    /**
     * Waits for the attempt to end.
     *
     * @return the task as it is after the attempt, or empty when no task was ready
     * @throws AssertionError when it does not end within {@code timeout}
     */
    public Optional<Task> await(Duration timeout) {
      return Await.result("the background run", result, timeout);
    }
  }

  /** Builds an {@link FfmpegQueueHarness}; every part has a fresh fake by default. */
  public static final class Builder {
    private FakeFfmpegRunner runner;
    private InMemoryStorage storage;
    private ManualClock clock;
    private RecordingTaskListener listener;
    private FakeInputFetcher fetcher;
    private final List<Consumer<FfmpegQueue.Builder>> queueOptions = new ArrayList<>();
    private int workerThreads;
    private int maxRuns = DEFAULT_MAX_RUNS;

    private Builder() {}

    /** The runner. Default a new {@link FakeFfmpegRunner}. */
    public Builder runner(FakeFfmpegRunner runner) {
      this.runner = Objects.requireNonNull(runner, "runner");
      return this;
    }

    /** The storage. Default a new {@link InMemoryStorage}. */
    public Builder storage(InMemoryStorage storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /** The clock. Default a new {@link ManualClock}. */
    public Builder clock(ManualClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The listener subscribed from the start. Default a new {@link RecordingTaskListener}. */
    public Builder listener(RecordingTaskListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The input fetcher. Default a new {@link FakeInputFetcher}. */
    public Builder fetcher(FakeInputFetcher fetcher) {
      this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
      return this;
    }

    /**
     * Sets more queue options, applied after the harness's own (so they may replace any of them): a retry
     * policy, a default timeout, another backend, more fetchers...
     *
     * <pre>{@code
     * FfmpegQueueHarness.builder().queueOptions(q -> q.retryPolicy(RetryPolicy.none())).build();
     * }</pre>
     */
    public Builder queueOptions(Consumer<FfmpegQueue.Builder> options) {
      queueOptions.add(Objects.requireNonNull(options, "options"));
      return this;
    }

    /**
     * Runs tasks on {@code n} real worker threads instead of the test's thread, for code under test that
     * blocks until a task ends ({@code completion().join()}). Then {@link FfmpegQueueHarness#runNext()},
     * {@link FfmpegQueueHarness#runUntilIdle()}, {@link FfmpegQueueHarness#runNextInBackground()} and
     * {@link FfmpegQueueHarness#tick()} are refused; await events instead. Default 0.
     */
    public Builder workerThreads(int n) {
      if (n < 0 || n > 64) {
        throw new IllegalArgumentException("workerThreads must be between 0 and 64, got " + n);
      }
      this.workerThreads = n;
      return this;
    }

    /** The most attempts one {@link FfmpegQueueHarness#runUntilIdle()} runs. Default {@link #DEFAULT_MAX_RUNS}. */
    public Builder maxRuns(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxRuns must be at least 1");
      }
      this.maxRuns = n;
      return this;
    }

    /** The harness, with its queue built. */
    public FfmpegQueueHarness build() {
      return new FfmpegQueueHarness(this);
    }
  }
}
