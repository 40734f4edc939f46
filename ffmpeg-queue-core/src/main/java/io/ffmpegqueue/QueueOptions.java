package io.ffmpegqueue;

import io.ffmpegqueue.ffmpeg.CommandPolicy;
import io.ffmpegqueue.support.Checks;
import io.ffmpegqueue.internal.Fetchers;
import io.ffmpegqueue.internal.submit.ClientSettings;
import io.ffmpegqueue.io.HttpInputFetcher;
import io.ffmpegqueue.io.InputFetcher;
import io.ffmpegqueue.spi.QueueBackend;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The options that {@link FfmpegQueue.Builder} and {@link FfmpegQueueClient.Builder} share: where tasks
 * live and what a submission must pass.
 *
 * @param <B> the concrete builder
 */
public abstract class QueueOptions<B extends QueueOptions<B>> {
  /** The default time one attempt may run. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

  private QueueBackend backend;
  private final Map<String, InputFetcher> fetchers = new LinkedHashMap<>();
  private CommandPolicy commandPolicy = CommandPolicy.strict();
  private RetryPolicy retryPolicy = RetryPolicy.defaults();
  private Duration defaultTimeout = DEFAULT_TIMEOUT;
  private InstantSource clock = InstantSource.system();
  private final List<ClientSettings.Listener> listeners = new ArrayList<>();
  private TenantLimits tenantLimits = TenantLimits.none();

  QueueOptions() {}

  abstract B self();

  /** Where tasks live. Default: a new {@link io.ffmpegqueue.memory.InMemoryQueueBackend}. */
  public B backend(QueueBackend backend) {
    this.backend = Objects.requireNonNull(backend, "backend");
    return self();
  }

  /**
   * Registers a fetcher for the schemes it serves, replacing any other for them. A task whose input has a
   * scheme without a fetcher is refused at submission. Unless a fetcher is registered for {@code http} or
   * {@code https}, both are served by an {@link io.ffmpegqueue.io.HttpInputFetcher} with its defaults (the
   * address guard on, no allow-list).
   */
  public B fetcher(InputFetcher fetcher) {
    for (String scheme : fetcher.schemes()) {
      fetchers.put(scheme.toLowerCase(Locale.ROOT), fetcher);
    }
    return self();
  }

  /** Which commands tasks may run. Default {@link CommandPolicy#strict()}. */
  public B commandPolicy(CommandPolicy policy) {
    this.commandPolicy = Objects.requireNonNull(policy, "policy");
    return self();
  }

  /** When failed attempts are retried. Default {@link RetryPolicy#defaults()}. */
  public B retryPolicy(RetryPolicy policy) {
    this.retryPolicy = Objects.requireNonNull(policy, "policy");
    return self();
  }

  /** How long an attempt may run when its request sets no timeout. Default 1 hour. */
  public B defaultTimeout(Duration timeout) {
    this.defaultTimeout = Checks.positive(timeout, "defaultTimeout");
    return self();
  }

  /** The clock for timestamps, timeouts and retries. Default the system clock. */
  public B clock(InstantSource clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return self();
  }

  /**
   * Per-tenant limits: the submission rate, checked by this process's submissions, and the most running
   * tasks, which this queue's workers ask the backend to respect when they claim. Default
   * {@link TenantLimits#none()}. Every process that shares a backend should be given the same limits.
   */
  public B tenantLimits(TenantLimits limits) {
    this.tenantLimits = Objects.requireNonNull(limits, "limits");
    return self();
  }

  /** Subscribes {@code listener} to every event from the start. */
  public B listener(TaskListener listener) {
    listeners.add(new ClientSettings.Listener(null, Objects.requireNonNull(listener, "listener")));
    return self();
  }

  /** Subscribes {@code listener} to events of {@code type} from the start. */
  public B listener(TaskEvent.Type type, TaskListener listener) {
    listeners.add(new ClientSettings.Listener(Objects.requireNonNull(type, "type"), Objects.requireNonNull(listener, "listener")));
    return self();
  }

  ClientSettings settings() {
    Map<String, InputFetcher> all = fetchers;
    List<AutoCloseable> owned = List.of();
    if (!fetchers.containsKey("http") && !fetchers.containsKey("https")) {
      all = new LinkedHashMap<>(fetchers);
      HttpInputFetcher http = HttpInputFetcher.create();
      all.put("http", http);
      all.put("https", http);
      owned = List.of(http); // made here, so closed with the queue
    }
    return new ClientSettings(backend, new Fetchers(all), commandPolicy, retryPolicy, defaultTimeout, clock, listeners, owned,
        tenantLimits);
  }

  InstantSource clock() {
    return clock;
  }

  RetryPolicy retryPolicy() {
    return retryPolicy;
  }
}
