package io.ffmpegqueue.memory;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskRejectedException;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.support.Checks;
import io.ffmpegqueue.spi.DueWebhook;
import io.ffmpegqueue.spi.WebhookOutbox;
import io.ffmpegqueue.spi.CancelResult;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Enqueued;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.LeaseLostException;
import io.ffmpegqueue.spi.LeaseState;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.Renewal;
import io.ffmpegqueue.spi.TaskAdmin;
import io.ffmpegqueue.spi.WorkerRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The embedded backend: tasks in this JVM's memory, lost when it exits. Thread-safe. Ready tasks are
 * taken by priority, then in turns between tenants ({@link io.ffmpegqueue.TaskRequest#tenant()}; the tenant
 * served longest ago goes first), then in submission order; a tenant at its
 * {@link ClaimRequest#tenantLimits() running limit} is passed over. {@link #claim} waits on a condition until
 * work arrives (no polling). Bounded: at most {@code capacity} pending tasks (default 10,000), and final tasks are
 * kept for inspection only up to an age and a count (defaults 24 h and 100,000). A task with a webhook URL
 * gets its webhook delivery when it ends, under the same lock; retention removes the two together.
 *
 * <pre>{@code
 * QueueBackend backend = InMemoryQueueBackend.builder().capacity(50_000).build();
 * }</pre>
 */
public final class InMemoryQueueBackend implements QueueBackend, WebhookOutbox {
  /** The default most pending tasks. */
  public static final int DEFAULT_CAPACITY = 10_000;
  /** The default retention age of final tasks. */
  public static final Duration DEFAULT_RETENTION_AGE = Duration.ofHours(24);
  /** The default most final tasks kept. */
  public static final int DEFAULT_RETENTION_COUNT = 100_000;

  private final int capacity;
  final InstantSource clock;

  final ReentrantLock lock = new ReentrantLock();
  private final Condition workAvailable = lock.newCondition();
  // Read without the lock by find(); written under it.
  final ConcurrentHashMap<TaskId, Entry> tasks = new ConcurrentHashMap<>();
  private final Map<String, Entry> byIdempotencyKey = new HashMap<>();
  // Ready tasks, by tenant, in the order of their turns.
  private final TenantTurns ready = new TenantTurns();
  final DelayedTasks delayed = new DelayedTasks();
  private final Map<TaskId, Entry> running = new HashMap<>();
  // Final tasks and their webhook deliveries.
  final FinalTasks finished;
  final StatusCounts counts = new StatusCounts();
  private final MemoryTaskAdmin admin = new MemoryTaskAdmin(this);
  private final MemoryWorkers workers = new MemoryWorkers(this);
  private long nextSeq;

  private InMemoryQueueBackend(Builder b) {
    this.capacity = b.capacity;
    this.finished = new FinalTasks(b.retentionAge, b.retentionCount, tasks, byIdempotencyKey, counts);
    this.clock = b.clock;
  }

  /** A backend with the defaults. */
  public static InMemoryQueueBackend create() {
    return builder().build();
  }

  /** A builder for a backend. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Enqueued enqueue(Task task) {
    Objects.requireNonNull(task, "task");
    if (task.status() != TaskStatus.PENDING) {
      throw new IllegalArgumentException("a new task must be PENDING, got " + task.status());
    }
    lock.lock();
    try {
      String key = task.request().idempotencyKey();
      if (key != null) {
        Entry existing = byIdempotencyKey.get(key);
        if (existing != null) {
          return new Enqueued(existing.task, false);
        }
      }
      if (counts.get(TaskStatus.PENDING) >= capacity) {
        if (tasks.containsKey(task.id())) {
          throw new IllegalArgumentException("task " + task.id() + " exists already");
        }
        throw new TaskRejectedException(TaskRejectedException.Reason.QUEUE_FULL,
            "the queue is full: " + capacity + " tasks are pending; try again later", Duration.ofSeconds(1));
      }
      Entry e = new Entry(task, nextSeq);
      // One lookup in the (large) map instead of containsKey() then put().
      if (tasks.putIfAbsent(task.id(), e) != null) {
        throw new IllegalArgumentException("task " + task.id() + " exists already");
      }
      nextSeq++;
      if (key != null) {
        byIdempotencyKey.put(key, e);
      }
      counts.add(TaskStatus.PENDING, 1);
      schedule(e, clock.instant());
      return new Enqueued(task, true);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<Lease> claim(ClaimRequest request) throws InterruptedException {
    long remaining = request.maxWait().toNanos();
    lock.lockInterruptibly();
    try {
      while (true) {
        Instant now = clock.instant();
        delayed.promoteDue(now, ready);
        List<Lease> leases = takeReady(request, now);
        if (!leases.isEmpty() || remaining <= 0) {
          return leases;
        }
        long wait = remaining;
        Instant next = delayed.nextRunAt();
        if (next != null) {
          long untilDue = Duration.between(now, next).toNanos();
          wait = Math.max(1, Math.min(wait, untilDue));
        }
        long before = System.nanoTime();
        workAvailable.awaitNanos(wait);
        remaining -= System.nanoTime() - before;
      }
    } finally {
      lock.unlock();
    }
  }

  private List<Lease> takeReady(ClaimRequest request, Instant now) {
    List<Entry> taken = ready.take(request.maxTasks(), request.tenantLimits());
    if (taken.isEmpty()) {
      return List.of();
    }
    Instant expiresAt = now.plus(request.leaseDuration());
    List<Lease> leases = new ArrayList<>(taken.size());
    for (Entry e : taken) {
      Task t = TaskStates.claimed(e.task, now);
      move(e, t);
      e.leaseOwner = request.workerId();
      e.leaseExpiresAt = expiresAt;
      e.cancelRequested = false;
      running.put(t.id(), e);
      leases.add(new Lease(t, request.workerId(), expiresAt));
    }
    return leases;
  }

  @Override
  public LeaseState renew(Renewal renewal) {
    lock.lock();
    try {
      Entry e = current(renewal.lease());
      if (e == null) {
        return LeaseState.LOST;
      }
      e.leaseExpiresAt = clock.instant().plus(renewal.leaseDuration());
      if (!Objects.equals(e.task.progress(), renewal.progress()) && renewal.progress() != null) {
        e.task = e.task.toBuilder().progress(renewal.progress()).build();
      }
      return e.cancelRequested ? LeaseState.CANCEL_REQUESTED : LeaseState.ACTIVE;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Task finish(Lease lease, Outcome outcome) {
    Objects.requireNonNull(outcome, "outcome");
    lock.lock();
    try {
      Entry e = current(lease);
      if (e == null) {
        throw new LeaseLostException(lease.taskId(), lease.attempt());
      }
      running.remove(e.task.id());
      stoppedRunning(e);
      e.leaseOwner = null;
      e.leaseExpiresAt = null;
      Instant now = clock.instant();
      Task t = TaskStates.ended(e.task, outcome, now);
      move(e, t);
      if (t.status() == TaskStatus.PENDING) {
        if (outcome instanceof Outcome.Released) {
          requeueFirst(e);
        } else {
          schedule(e, now);
        }
      } else {
        finished.retire(e, now);
      }
      return t;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<CancelResult> cancel(TaskId id) {
    lock.lock();
    try {
      Entry e = tasks.get(id);
      if (e == null) {
        return Optional.empty();
      }
      boolean changed = true;
      switch (e.task.status()) {
        case PENDING -> {
          Instant now = clock.instant();
          e.queued = Entry.Queued.NO; // left in its queue, skipped when reached
          move(e, TaskStates.cancelledPending(e.task, now));
          finished.retire(e, now);
        }
        case RUNNING -> {
          changed = !e.cancelRequested;
          e.cancelRequested = true;
        }
        default -> changed = false;
      }
      return Optional.of(new CancelResult(e.task, changed));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<Task> find(TaskId id) {
    Entry e = tasks.get(id);
    return e == null ? Optional.empty() : Optional.of(e.task);
  }

  @Override
  public List<Task> list(TaskQuery query) {
    return locked(() -> TaskListing.page(query, running.values(), ready, delayed, finished.newestFirst()));
  }

  @Override
  public Map<TaskStatus, Long> counts() {
    return locked(counts::snapshot);
  }

  @Override
  public long pendingCount() {
    return locked(() -> counts.get(TaskStatus.PENDING));
  }

  @Override
  public List<Task> reapExpiredLeases() {
    lock.lock();
    try {
      Instant now = clock.instant();
      List<Task> changed = new ArrayList<>();
      for (Iterator<Entry> it = running.values().iterator(); it.hasNext(); ) {
        Entry e = it.next();
        if (e.leaseExpiresAt.isAfter(now)) {
          continue;
        }
        it.remove();
        stoppedRunning(e);
        Task t = TaskStates.expired(e.task, e.leaseOwner, now);
        e.leaseOwner = null;
        e.leaseExpiresAt = null;
        move(e, t);
        if (t.status() == TaskStatus.FAILED) {
          finished.retire(e, now);
        } else {
          schedule(e, now);
        }
        changed.add(t);
      }
      return changed;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int prune() {
    return locked(() -> finished.prune(clock.instant()));
  }

  /** Replaces the entry's snapshot and keeps the counts by status. Under the lock. */
  void move(Entry e, Task next) {
    counts.moved(e.task.status(), next.status());
    e.task = next;
  }

  void schedule(Entry e, Instant now) {
    if (e.task.runAt().isAfter(now)) {
      delayed.add(e);
      workAvailable.signal(); // a waiting claimer may have to wake earlier
    } else {
      ready.addReady(e, false);
      workAvailable.signal();
    }
  }

  private void requeueFirst(Entry e) {
    ready.addReady(e, true);
    workAvailable.signal();
  }

  /** One of a tenant's tasks left RUNNING. Under the lock. */
  private void stoppedRunning(Entry e) {
    if (ready.stoppedRunning(e)) {
      workAvailable.signal(); // its tenant may have been at its running limit
    }
  }

  @Override
  public Optional<TaskAdmin> admin() {
    return Optional.of(admin);
  }

  @Override
  public Optional<WorkerRegistry> workerRegistry() {
    return Optional.of(workers);
  }

  <T> T locked(Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  private Entry current(Lease lease) {
    Entry e = tasks.get(lease.taskId());
    if (e == null || e.task.status() != TaskStatus.RUNNING || e.task.attempt() != lease.attempt()) {
      return null;
    }
    return e;
  }

  @Override
  public void updateWebhook(TaskId id, WebhookDelivery delivery) {
    lock.lock();
    try {
      finished.webhooks().update(id, delivery);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<WebhookDelivery> findWebhook(TaskId id) {
    return locked(() -> Optional.ofNullable(finished.webhooks().find(id)));
  }

  @Override
  public List<DueWebhook> claimDueWebhooks(Instant now, Duration holdFor, int limit) {
    return locked(() -> finished.webhooks().claimDue(now, holdFor, limit));
  }

  /** Builds an {@link InMemoryQueueBackend}. */
  public static final class Builder {
    private int capacity = DEFAULT_CAPACITY;
    private Duration retentionAge = DEFAULT_RETENTION_AGE;
    private int retentionCount = DEFAULT_RETENTION_COUNT;
    private InstantSource clock = InstantSource.system();

    private Builder() {}

    /** The most pending tasks; past it, enqueue is refused with {@code QUEUE_FULL}. Default 10,000. */
    public Builder capacity(int capacity) {
      this.capacity = Checks.atLeastOne(capacity, "capacity");
      return this;
    }

    /** How long final tasks are kept. Default 24 hours. */
    public Builder retentionAge(Duration age) {
      this.retentionAge = Checks.nonNegative(age, "retentionAge");
      return this;
    }

    /** How many final tasks are kept at most. Default 100,000. */
    public Builder retentionCount(int count) {
      this.retentionCount = Checks.nonNegative(count, "retentionCount");
      return this;
    }

    /** The clock for leases, retries and retention. Default the system clock. */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The backend. */
    public InMemoryQueueBackend build() {
      return new InMemoryQueueBackend(this);
    }
  }
}
