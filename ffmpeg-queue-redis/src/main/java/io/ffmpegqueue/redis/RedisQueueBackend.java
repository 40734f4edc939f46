package io.ffmpegqueue.redis;

import static io.ffmpegqueue.redis.RedisCalls.call;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.FfmpegQueueException;
import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.redis.Scripts.Script;
import io.ffmpegqueue.spi.BackendListener;
import io.ffmpegqueue.spi.CancelResult;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.DueWebhook;
import io.ffmpegqueue.spi.Enqueued;
import io.ffmpegqueue.spi.Handover;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.LeaseLostException;
import io.ffmpegqueue.spi.LeaseState;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.WorkerRegistry;
import io.ffmpegqueue.spi.Renewal;
import io.ffmpegqueue.spi.TaskAdmin;
import io.ffmpegqueue.spi.TaskContinuations;
import io.ffmpegqueue.spi.TaskGraphs;
import io.ffmpegqueue.spi.MessageOutbox;
import io.ffmpegqueue.spi.WebhookOutbox;
import io.lettuce.core.RedisException;
import io.ffmpegqueue.support.ProgressText;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The Redis backend: tasks in Redis 7, standalone or cluster, shared by an API process and any number of
 * worker processes, with the {@code QueueBackend} contract's leases and fencing.
 *
 * <pre>{@code
 * try (RedisQueueBackend backend = RedisQueueBackend.builder("redis://localhost:6379").build();
 *      FfmpegQueue queue = FfmpegQueue.builder().backend(backend).workers(4).build()) {
 *   queue.submit(request);
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>Atomic steps</b>: enqueue, claim, heartbeat, finish (and finish with the next claim), cancel, reap
 *       and prune are each one Lua script, so no crash or race leaves a task half moved.
 *   <li><b>Leases</b> are judged on the Redis server's clock ({@code TIME}), never a worker's: a claim sets the
 *       lease's expiry, heartbeats move it on, and every write of a running task checks its lease's fencing
 *       token ({@link Lease#fence()}). {@link #reapExpiredLeases} returns a dead worker's tasks to PENDING (or
 *       fails them when their attempts are spent); a live worker's heartbeats keep its task however long ffmpeg runs.
 *   <li><b>Claim order</b>: priority first, then turns between tenants (the tenant served longest ago first),
 *       then submission order; a tenant at its running limit is passed over.
 *   <li><b>Wake-up</b>: every change that makes work ready publishes on the queue's channel, which each backend
 *       subscribes to, so an idle claimer starts a new task within milliseconds; a slow poll is the safety net.
 *   <li><b>Across processes</b>: events and cancels travel on the same channel to {@link #addListener}'s
 *       listeners, so a cancel stops the owning worker's ffmpeg at once and an API process sees remote ends.
 *   <li><b>Keys</b>: every key of a queue starts with {@code {prefix}:}, one hash tag, so the queue lives on one
 *       cluster node and several queues (prefixes) share a Redis.
 *
 *   <li><b>Webhooks</b>: the script that ends a task with a webhook URL (finish, cancel, reap) also stores its
 *       delivery, and prune removes it with the task; any process on the queue with webhooks turned on sends it.
 *   <li><b>Task graphs</b> ({@link TaskGraphs}): the script that ends a task also readies the children it was the
 *       last parent of, or cancels those that waited for it when it failed or was cancelled, down the graph; prune
 *       keeps a task while a child of it has not ended.
 *   <li><b>Continuations</b> ({@link TaskContinuations}): {@link Outcome.Await} is one script with the lease check
 *       ({@link RedisContinuations}).
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} closes the backend's connections.
 */
public final class RedisQueueBackend implements QueueBackend, WebhookOutbox, TaskContinuations {
  /** The default key prefix (the keys are {@code {ffq}:...}). */
  public static final String DEFAULT_PREFIX = "ffq";
  /** The default most pending tasks, as the in-memory backend. */
  public static final int DEFAULT_CAPACITY = 10_000;
  /** The default retention age of final tasks, as the in-memory backend. */
  public static final Duration DEFAULT_RETENTION_AGE = Duration.ofHours(24);
  /** The default most final tasks kept, as the in-memory backend. */
  public static final int DEFAULT_RETENTION_COUNT = 100_000;
  /** The default safety-net poll while waiting for work. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);

  private static final String CANCELLED_PENDING = TaskHashes.errorJson(
      TaskError.of(ErrorKind.CANCELLED, "cancelled before it started"));

  private final RedisConnection redis;
  private final Scripts scripts;
  private final String keyPrefix;
  private final int capacity;
  private final Upkeep upkeep;
  private final RedisClaims claims;
  private final RedisContinuations continuations;
  private final InstantSource clock;
  private final WakeUps wakeUps = new WakeUps();
  private final Notices notices;
  private final WebhookDeliveries webhooks;

  private RedisQueueBackend(Builder b, RedisConnection redis) {
    this.redis = redis;
    this.keyPrefix = "{" + b.prefix + "}:";
    String origin = UUID.randomUUID().toString().substring(0, 8);
    this.scripts = new Scripts(redis.commands(), keyPrefix, origin);
    this.capacity = b.capacity;
    this.upkeep = new Upkeep(scripts, b.retentionAge, b.retentionCount);
    this.clock = b.clock;
    this.notices = new Notices(origin, wakeUps);
    this.webhooks = new WebhookDeliveries(redis.commands(), scripts, keyPrefix, clock);
    this.claims = new RedisClaims(redis, scripts, wakeUps, b.pollInterval);
    this.continuations = new RedisContinuations(scripts, wakeUps);
    redis.pubSub().addListener(notices);
    redis.pubSub().sync().subscribe(keyPrefix + "ev");
  }

  /**
   * A builder for a backend on the Redis at {@code url}: {@code redis://[user:password@]host:port[/db]}, or
   * {@code rediss://} for TLS; with {@link Builder#cluster} a seed node of a cluster.
   */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  // ---- enqueue ----

  @Override
  public Enqueued enqueue(Task task) {
    List<?> r = call("enqueue task " + task.id(),
        () -> scripts.list(Script.ENQUEUE, ScriptArgs.enqueue(task, capacity, clock)));
    Enqueued e = ScriptArgs.enqueued(task, r, capacity);
    if (e.created() && !e.task().isWaiting()) {
      wakeUps.wakeAll();
    }
    return e;
  }

  // ---- claim and leases ----

  @Override
  public List<Lease> claim(ClaimRequest request) throws InterruptedException {
    return claims.claim(request);
  }

  @Override
  public LeaseState renew(Renewal renewal) {
    Lease l = renewal.lease();
    long s = call("renew the lease of task " + l.taskId(), () -> scripts.number(Script.RENEW, l.taskId().value(),
        l.fence(), renewal.leaseDuration().toMillis(), renewal.progress() == null ? "" : renewal.progress(),
        renewal.detail() == null ? "" : ProgressText.of(renewal.detail())));
    return s == 0 ? LeaseState.LOST : s == 2 ? LeaseState.CANCEL_REQUESTED : LeaseState.ACTIVE;
  }

  @Override
  public Task finish(Lease lease, Outcome outcome) {
    if (outcome instanceof Outcome.Await a) {
      return call("finish task " + lease.taskId() + " awaiting tasks", () -> continuations.finish(lease, a));
    }
    ScriptArgs.Ending e = ScriptArgs.ending(lease, outcome, clock);
    List<?> r = call("finish task " + lease.taskId(), () -> scripts.list(Script.FINISH, e.args().toArray()));
    if (r.isEmpty()) {
      throw new LeaseLostException(lease.taskId(), lease.attempt());
    }
    wakeUps.wakeAll(); // a tenant at its running limit may have room now
    return e.after(r);
  }

  /** Ends the attempt and claims the next tasks in one script. */
  @Override
  public Handover finishAndClaim(Lease lease, Outcome outcome, ClaimRequest next) {
    if (outcome instanceof Outcome.Await) {
      return new Handover(finish(lease, outcome), List.of());
    }
    ScriptArgs.Ending e = ScriptArgs.ending(lease, outcome, clock);
    List<?> r = call("finish task " + lease.taskId() + " and claim",
        () -> scripts.list(Script.FINISH_CLAIM, ScriptArgs.claim(next, e.args())));
    List<?> ended = (List<?>) r.get(0);
    Task after = null;
    if (!ended.isEmpty()) {
      after = e.after(ended);
      wakeUps.wakeAll();
    }
    return new Handover(after, ScriptArgs.leases(r, 1, next.workerId()));
  }

  @Override
  public Optional<CancelResult> cancel(TaskId id) {
    List<?> r = call("cancel task " + id, () -> scripts.list(Script.CANCEL, id.value(), CANCELLED_PENDING));
    if (r.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CancelResult(TaskHashes.task(r.get(1)), (Long) r.get(0) == 1L));
  }

  // ---- reads ----

  @Override
  public Optional<Task> find(TaskId id) {
    return Optional.ofNullable(TaskHashes.task(call("find task " + id, () -> scripts.list(Script.FIND, id.value()))));
  }

  @Override
  public List<Task> list(TaskQuery query) {
    List<?> r = call("list tasks", () -> scripts.list(Script.LIST,
        query.status() == null ? "" : query.status().name(), query.offset(), query.limit(),
        query.waiting() == null ? "" : query.waiting() ? "1" : "0"));
    return TaskHashes.tasks(r, 0);
  }

  @Override
  public Map<TaskStatus, Long> counts() {
    return TaskHashes.counts(call("count tasks", () -> scripts.list(Script.COUNTS)));
  }

  @Override
  public long pendingCount() {
    return call("count pending tasks", () -> redis.commands().zcard(keyPrefix + "pending"));
  }

  // ---- upkeep ----

  @Override
  public List<Task> reapExpiredLeases() {
    return call("reap expired leases", upkeep::reap);
  }

  /**
   * Removes final tasks past the retention age and count, a few hundred per script, at most ten thousand; keeps
   * those that a child that has not ended still needs.
   */
  @Override
  public int prune() {
    return call("prune tasks", upkeep::prune);
  }

  // ---- task graphs ----

  @Override
  public List<TaskId> dependents(TaskId parent) {
    return call("list the dependents of task " + parent,
        () -> redis.commands().zrange(keyPrefix + "ch:" + parent.value(), 0, -1)).stream().map(TaskId::of).toList();
  }

  // ---- webhook outbox ----

  @Override
  public Optional<WebhookDelivery> findWebhook(TaskId id) {
    return call("find the webhook of task " + id, () -> webhooks.find(id));
  }

  /** Holds are judged on the server's clock: {@code now} carries over as its distance from the clock's now. */
  @Override
  public List<DueWebhook> claimDueWebhooks(Instant now, Duration holdFor, int limit) {
    return call("claim due webhooks", () -> webhooks.claimDue(now, holdFor, limit));
  }

  @Override
  public void updateWebhook(TaskId id, WebhookDelivery delivery) {
    call("record a webhook attempt of task " + id, () -> webhooks.update(id, delivery));
  }

  /** Messages to other systems, kept by Lua scripts ({@link RedisMessages}) and removed with their task. */
  @Override
  public Optional<MessageOutbox> messageOutbox() {
    return Optional.of(new RedisMessages(scripts, clock));
  }

  @Override
  public Subscription addListener(BackendListener l) {
    Objects.requireNonNull(l, "listener");
    notices.add(l);
    return () -> notices.remove(l);
  }

  /** Whether the connection that hears other processes' notices is up now. */
  public boolean isListening() {
    return redis.listening();
  }

  /**
   * What the server's persistence settings promise about tasks when Redis stops, from {@code INFO persistence}:
   * a warning when there is no AOF, since then every change since the last RDB snapshot is lost.
   */
  public Durability durability() {
    return call("read the persistence settings", () -> Durability.read(redis.commands()));
  }

  /** Closes the backend's connections to Redis. */
  @Override
  public void close() {
    notices.close();
    redis.close();
  }

  @Override
  public String toString() {
    return "RedisQueueBackend[" + keyPrefix + "]";
  }

  /** Retry, delete, search and statistics in Lua scripts ({@link RedisTaskAdmin}). */
  @Override
  public Optional<TaskAdmin> admin() {
    return Optional.of(new RedisTaskAdmin(scripts, clock));
  }

  /** The worker registry: a hash of the processes' heartbeats ({@link RedisWorkers}). */
  @Override
  public Optional<WorkerRegistry> workerRegistry() {
    return Optional.of(new RedisWorkers(redis, keyPrefix));
  }

  /** Builds a {@link RedisQueueBackend}; {@link #build()} connects. */
  public static final class Builder {
    private final String url;
    private boolean cluster;
    private String prefix = DEFAULT_PREFIX;
    private int capacity = DEFAULT_CAPACITY;
    private Duration retentionAge = DEFAULT_RETENTION_AGE;
    private int retentionCount = DEFAULT_RETENTION_COUNT;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private Duration commandTimeout = Duration.ofSeconds(60);
    private InstantSource clock = InstantSource.system();

    private Builder(String url) {
      this.url = Objects.requireNonNull(url, "url");
    }

    /** Whether the URL names a seed node of a Redis Cluster. Default {@code false}. */
    public Builder cluster(boolean cluster) {
      this.cluster = cluster;
      return this;
    }

    /**
     * The prefix of the queue's keys, inside a hash tag ({@code {prefix}:...}), so that several queues share one
     * Redis. Default {@code ffq}; 1 to 64 characters of {@code [A-Za-z0-9_.-]}.
     */
    public Builder prefix(String prefix) {
      if (prefix == null || !prefix.matches("[A-Za-z0-9_.-]{1,64}")) {
        throw new IllegalArgumentException("prefix: '" + prefix + "' is not 1 to 64 characters of [A-Za-z0-9_.-]");
      }
      this.prefix = prefix;
      return this;
    }

    /** The most pending tasks; past it, enqueue is refused with {@code QUEUE_FULL}. Default 10,000; exact. */
    public Builder capacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
      }
      this.capacity = capacity;
      return this;
    }

    /** How long final tasks are kept. Default 24 hours. */
    public Builder retentionAge(Duration age) {
      if (age == null || age.isNegative()) {
        throw new IllegalArgumentException("retentionAge must not be negative, not " + age);
      }
      this.retentionAge = age;
      return this;
    }

    /** How many final tasks are kept at most. Default 100,000. */
    public Builder retentionCount(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("retentionCount must not be negative, not " + count);
      }
      this.retentionCount = count;
      return this;
    }

    /** How often a waiting claim looks for work although no notice came. Default 5 s (1 s while unsubscribed). */
    public Builder pollInterval(Duration interval) {
      if (interval == null || interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("pollInterval must be positive, not " + interval);
      }
      this.pollInterval = interval;
      return this;
    }

    /**
     * How long a command waits for its answer, also while the connection is being re-established (commands
     * sent meanwhile go once it is back). Default 60 s.
     */
    public Builder commandTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("commandTimeout must be positive, not " + timeout);
      }
      this.commandTimeout = timeout;
      return this;
    }

    /**
     * The clock that retry and run times were computed on; only the delay from its now carries over to the
     * server's clock. Default the system clock.
     */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Connects and subscribes.
     *
     * @throws FfmpegQueueException when the URL is not valid or Redis cannot be reached
     */
    public RedisQueueBackend build() {
      RedisConnection c;
      try {
        c = RedisConnection.open(List.of(RedisUrl.parse(url, commandTimeout)), cluster);
      } catch (RedisException e) {
        throw new FfmpegQueueException("Redis: cannot connect to " + RedisUrl.redact(url) + ": " + e.getMessage(), e);
      }
      try {
        return new RedisQueueBackend(this, c);
      } catch (RuntimeException e) {
        c.close();
        throw e;
      }
    }
  }
}
