package io.ffmpegqueue;

import static io.ffmpegqueue.support.Checks.nonNegative;
import static io.ffmpegqueue.support.Checks.positive;

import io.ffmpegqueue.ffmpeg.FfmpegRunner;
import io.ffmpegqueue.ffmpeg.ProcessFfmpegRunner;
import io.ffmpegqueue.ffmpeg.Sandbox;
import io.ffmpegqueue.ffmpeg.SandboxStatus;
import io.ffmpegqueue.support.NamedThreadFactory;
import io.ffmpegqueue.internal.submit.ClientSettings;
import io.ffmpegqueue.internal.webhook.WebhookNotifier;
import io.ffmpegqueue.internal.Fetchers;
import io.ffmpegqueue.internal.split.SplitParts;
import io.ffmpegqueue.internal.split.SplitRunner;
import io.ffmpegqueue.internal.worker.FfmpegPipeline;
import io.ffmpegqueue.internal.worker.JoinCompleter;
import io.ffmpegqueue.internal.worker.TaskOutputFetcher;
import io.ffmpegqueue.internal.worker.WorkerConfig;
import io.ffmpegqueue.internal.worker.WorkerCounters;
import io.ffmpegqueue.internal.worker.WorkerPool;
import io.ffmpegqueue.internal.worker.Workspaces;
import io.ffmpegqueue.io.LocalStorage;
import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.TaskHandler;
import io.ffmpegqueue.spi.WebhookOutbox;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The queue with its workers: the one object a host app makes. Submit a task and get its id at once;
 * workers fetch the inputs, run ffmpeg and store the outputs in the background; listen for events or
 * poll {@link #find}.
 *
 * <pre>{@code
 * try (FfmpegQueue queue = FfmpegQueue.builder()
 *     .storage(LocalStorage.at(Path.of("outputs")))
 *     .workers(2)
 *     .build()) {
 *   queue.subscribe(TaskEvent.Type.COMPLETED, e -> System.out.println(e.task().outputUrl()));
 *   Submission s = queue.submit(TaskRequest.builder()
 *       .command("-i input.mp4 -vf scale=640:-2 output.mp4")
 *       .input("input.mp4", "https://example.com/video.mp4")
 *       .output("output.mp4")
 *       .build());
 *   Task done = s.completion().join();
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops claiming, lets running tasks finish within the drain timeout, then stops the
 * rest and puts them back in the queue; no thread of the queue outlives it.
 */
public final class FfmpegQueue implements FfmpegQueueClient {
  private final QueueClient client;
  private final WorkerPool pool;
  private final ExecutorService fetchExecutor;
  private final boolean ownsBackend;
  private final boolean driven;
  private final WorkerCounters counters = new WorkerCounters();
  private final WebhookNotifier webhooks;
  private final SandboxStatus sandboxStatus;

  private FfmpegQueue(Builder b, boolean driven) {
    ClientSettings settings = b.settings();
    this.ownsBackend = b.ownsBackend;
    this.driven = driven;
    this.client = new QueueClient(settings, "ffq");
    this.webhooks = b.webhooks == null ? null
        : new WebhookNotifier(b.webhooks, settings.backend(), outboxOf(settings.backend()), client.events(),
            settings.clock());
    if (b.workers == 0) {
      this.pool = null;
      this.fetchExecutor = null;
      this.sandboxStatus = null;
      return;
    }
    this.fetchExecutor = new ThreadPoolExecutor(0, 64, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        new NamedThreadFactory("ffq-fetch"), new ThreadPoolExecutor.CallerRunsPolicy());
    TaskHandler handler = b.handler;
    SandboxStatus sandbox = null;
    if (handler == null) {
      Storage storage = b.storage != null ? b.storage
          : LocalStorage.at(Path.of(System.getProperty("java.io.tmpdir"), "ffmpeg-queue", "outputs"));
      // The process runner on the located ffmpeg, checked now, so a queue without a usable ffmpeg fails at
      // start with a message that says what was tried; its per-input format whitelist is the queue's.
      FfmpegRunner runner = b.runner != null ? b.runner
          : ProcessFfmpegRunner.builder().sandbox(Sandbox.AUTO).policy(settings.commandPolicy()).build();
      // Split tasks' stitch reads a concat list: the same ffmpeg (located once, above), with concat allowed.
      FfmpegRunner stitch = runner instanceof ProcessFfmpegRunner located && b.runner == null
          ? ProcessFfmpegRunner.builder().installation(located.installation()).sandbox(Sandbox.AUTO)
              .policy(settings.commandPolicy().toBuilder().allowInputFormats("concat").build()).build()
          : runner;
      sandbox = runner instanceof ProcessFfmpegRunner p ? p.sandboxStatus() : null;
      Path root = b.workspaceRoot != null ? b.workspaceRoot
          : Path.of(System.getProperty("java.io.tmpdir"), "ffmpeg-queue", "work");
      // task:// inputs: outputs of tasks this one waits for, read from the storage they went to.
      Fetchers fetchers = settings.fetchers().with(new TaskOutputFetcher(settings.backend(), storage));
      Workspaces workspaces = new Workspaces(root, b.minFreeSpaceBytes);
      handler = new FfmpegPipeline(fetchers, runner, storage, workspaces, fetchExecutor, counters,
          b.outputLimits);
      // Split tasks: parts on the task graph.
      handler = new SplitRunner(handler, settings.backend(), new SplitParts(settings.backend(), settings.clock()),
          fetchers, runner, stitch, storage, workspaces, client::cancel);
    }
    WorkerConfig config = new WorkerConfig(
        b.workerId != null ? b.workerId : defaultWorkerId(),
        b.workers, b.leaseDuration, b.heartbeatInterval, b.progressInterval, b.pollWait,
        b.drainTimeout, b.stopTimeout, b.reapInterval, settings.defaultTimeout(), settings.retryPolicy(),
        settings.clock(), settings.tenantLimits());
    this.sandboxStatus = sandbox;
    this.pool = new WorkerPool(config, settings.backend(), new JoinCompleter(handler), client.events(), counters);
  }

  /** A builder with the embedded defaults: in-memory backend, local storage, 2 workers. */
  public static Builder builder() {
    return new Builder();
  }

  private FfmpegQueue start() {
    if (pool != null && !driven) {
      pool.start();
    }
    return this;
  }

  /** The driver of a queue built by {@link WorkerDriver#build}. */
  WorkerDriver driver() {
    if (!driven) {
      throw new IllegalStateException("this queue's workers run on their own threads");
    }
    return new WorkerDriver() {
      @Override
      public FfmpegQueue queue() {
        return FfmpegQueue.this;
      }

      @Override
      public Optional<TaskId> runNext() {
        return pool.runNext();
      }

      @Override
      public void superviseOnce() {
        pool.superviseOnce();
      }

      @Override
      public boolean awaitEventsDelivered(Duration timeout) {
        return client.events().awaitDelivered(timeout);
      }
    };
  }

  @Override
  public Submission submit(TaskRequest request) {
    return client.submit(request);
  }

  @Override
  public Submission submit(TaskId id, TaskRequest request) {
    return client.submit(id, request);
  }

  @Override
  public Optional<Task> find(TaskId id) {
    return client.find(id);
  }

  @Override
  public Optional<Task> cancel(TaskId id) {
    return client.cancel(id);
  }

  @Override
  public List<Task> list(TaskQuery query) {
    return client.list(query);
  }

  @Override
  public long queueSize() {
    return client.queueSize();
  }

  @Override
  public Map<TaskStatus, Long> counts() {
    return client.counts();
  }

  @Override
  public Optional<WebhookDelivery> webhook(TaskId id) {
    return client.webhook(id);
  }

  @Override
  public Optional<io.ffmpegqueue.spi.MessageOutbox> messageOutbox() {
    return client.messageOutbox();
  }

  @Override
  public Subscription subscribe(TaskListener listener) {
    return client.subscribe(listener);
  }

  @Override
  public Subscription subscribe(TaskEvent.Type type, TaskListener listener) {
    return client.subscribe(type, listener);
  }

  /** How many tasks this queue's workers run now. */
  public int activeWorkers() {
    return pool == null ? 0 : pool.activeCount();
  }

  /**
   * How this queue's workers start ffmpeg (inside bubblewrap, or not and why), for a health check; empty
   * when they start none of their own: no workers, a {@link Builder#handler handler}, or a runner other than
   * {@link ProcessFfmpegRunner}.
   */
  public Optional<SandboxStatus> sandboxStatus() {
    return Optional.ofNullable(sandboxStatus);
  }

  /** Running totals of this queue's worker side (lease upkeep, fetched bytes), for metrics. */
  public WorkerStats workerStats() {
    return counters.snapshot();
  }

  /**
   * Stops accepting tasks and claiming them, lets running tasks finish within the drain timeout, then
   * stops the rest and gives them back to the queue (PENDING again). Returns when every thread has ended.
   */
  @Override
  public void close() {
    client.stopAccepting();
    if (pool != null) {
      pool.close();
    }
    if (fetchExecutor != null) {
      fetchExecutor.shutdownNow();
      try {
        fetchExecutor.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (webhooks != null) {
      webhooks.close();
    }
    client.close();
    if (ownsBackend) {
      client.settings().backend().close();
    }
  }

  private static WebhookOutbox outboxOf(QueueBackend backend) {
    return WebhookOutbox.of(backend).orElseThrow(() -> new IllegalArgumentException("webhooks need a backend that"
        + " stores deliveries (a WebhookOutbox, as the in-memory, PostgreSQL and Redis backends are); "
        + backend.getClass().getName() + " is none"));
  }

  private static String defaultWorkerId() {
    String jvm = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
    return jvm + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Builds an {@link FfmpegQueue}; {@link #build()} starts its workers. */
  public static final class Builder extends QueueOptions<Builder> {
    private Storage storage;
    private FfmpegRunner runner;
    private TaskHandler handler;
    private int workers = 2;
    private Path workspaceRoot;
    private long minFreeSpaceBytes = 256L << 20;
    private OutputLimits outputLimits = OutputLimits.defaults();
    private Duration leaseDuration = Duration.ofSeconds(60);
    private Duration heartbeatInterval = Duration.ofSeconds(10);
    private Duration progressInterval = Duration.ofMillis(500);
    private Duration pollWait = Duration.ofSeconds(5);
    private Duration drainTimeout = Duration.ofSeconds(30);
    private Duration stopTimeout = Duration.ofSeconds(10);
    private Duration reapInterval = Duration.ofSeconds(15);
    private String workerId;
    private boolean ownsBackend = true;
    private WebhookSettings webhooks;

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    @Override
    public Builder backend(QueueBackend backend) {
      ownsBackend = false;
      return super.backend(backend);
    }

    /** Where outputs go. Default: a {@link LocalStorage} under the temp folder. */
    public Builder storage(Storage storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /** What runs ffmpeg. Default: the process runner on the ffmpeg the locator finds. */
    public Builder runner(FfmpegRunner runner) {
      this.runner = Objects.requireNonNull(runner, "runner");
      return this;
    }

    /**
     * Replaces the whole pipeline (fetch, ffmpeg, store) with {@code handler}: for tests and benchmarks of
     * the worker machinery alone. Storage, runner and fetchers are then unused.
     */
    public Builder handler(TaskHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** How many tasks run at once; 0 makes a queue that only submits (workers run elsewhere). Default 2. */
    public Builder workers(int workers) {
      if (workers < 0 || workers > 1024) {
        throw new IllegalArgumentException("workers must be between 0 and 1024, got " + workers);
      }
      this.workers = workers;
      return this;
    }

    /** Where per-attempt workspaces are made. Default: {@code ffmpeg-queue/work} under the temp folder. */
    public Builder workspaceRoot(Path root) {
      this.workspaceRoot = Objects.requireNonNull(root, "root");
      return this;
    }

    /** The least free disk space under the workspace root for an attempt to start. Default 256 MiB. */
    public Builder minFreeSpace(long bytes) {
      this.minFreeSpaceBytes = nonNegative(bytes, "minFreeSpace");
      return this;
    }

    /** How many files and bytes one task may write. Default {@link OutputLimits#defaults()}. */
    public Builder outputLimits(OutputLimits limits) {
      this.outputLimits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** How long a lease lasts unless renewed. Default 60 s. */
    public Builder leaseDuration(Duration d) {
      this.leaseDuration = positive(d, "leaseDuration");
      return this;
    }

    /** How often running tasks renew their leases. Default 10 s; must be under the lease duration. */
    public Builder heartbeatInterval(Duration d) {
      this.heartbeatInterval = positive(d, "heartbeatInterval");
      return this;
    }

    /** The least time between progress writes to the backend. Default 500 ms. */
    public Builder progressInterval(Duration d) {
      this.progressInterval = positive(d, "progressInterval");
      return this;
    }

    /** How long one claim waits for work before asking again. Default 5 s. */
    public Builder pollWait(Duration d) {
      this.pollWait = positive(d, "pollWait");
      return this;
    }

    /** How long {@link #close()} lets running tasks finish before stopping them. Default 30 s. */
    public Builder drainTimeout(Duration d) {
      this.drainTimeout = nonNegative(d, "drainTimeout");
      return this;
    }

    /** How long {@link #close()} waits for stopped tasks to give their leases back. Default 10 s. */
    public Builder stopTimeout(Duration d) {
      this.stopTimeout = nonNegative(d, "stopTimeout");
      return this;
    }

    /** How often expired leases are reaped and old tasks pruned. Default 15 s. */
    public Builder reapInterval(Duration d) {
      this.reapInterval = positive(d, "reapInterval");
      return this;
    }

    /** This process's worker id in leases. Default: pid, host and a random part. */
    public Builder workerId(String id) {
      this.workerId = Objects.requireNonNull(id, "id");
      return this;
    }

    /**
     * Delivers webhooks for tasks that name a {@link TaskRequest#webhookUrl()}: signed POSTs of their final
     * JSON, retried on {@code settings}' schedule, each attempt stored in the backend, which must be a
     * {@link WebhookOutbox} (the in-memory, PostgreSQL and Redis backends are). Default: no webhooks are sent.
     */
    public Builder webhooks(WebhookSettings settings) {
      this.webhooks = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** Builds the queue and starts its workers. */
    public FfmpegQueue build() {
      check();
      return new FfmpegQueue(this, false).start();
    }

    /** Builds the queue without worker threads, for {@link WorkerDriver#build}. */
    FfmpegQueue buildDriven() {
      if (workers == 0) {
        throw new IllegalArgumentException("a driven queue needs at least one worker slot, but workers is 0");
      }
      check();
      return new FfmpegQueue(this, true);
    }

    private void check() {
      if (heartbeatInterval.compareTo(leaseDuration) >= 0) {
        throw new IllegalArgumentException("heartbeatInterval (" + heartbeatInterval
            + ") must be shorter than leaseDuration (" + leaseDuration + ")");
      }
    }
  }
}
