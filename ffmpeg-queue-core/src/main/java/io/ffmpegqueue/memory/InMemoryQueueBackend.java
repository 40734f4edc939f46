package io.ffmpegqueue.memory;

import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskRejectedException;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.support.Checks;
import io.ffmpegqueue.spi.DueWebhook;
import io.ffmpegqueue.spi.WebhookOutbox;
import io.ffmpegqueue.spi.BackendListener;
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
import io.ffmpegqueue.spi.TaskContinuations;
import io.ffmpegqueue.spi.TaskGraphs;
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
public final class InMemoryQueueBackend implements QueueBackend, WebhookOutbox, TaskContinuations {
  /** The default most pending tasks. */
  public static final int DEFAULT_CAPACITY = 10_000;
  /** The default retention age of final tasks. */
  public static final Duration DEFAULT_RETENTION_AGE = Duration.ofHours(24);
  /** The default most final tasks kept. */
  public static final int DEFAULT_RETENTION_COUNT = 100_000;

  private final int capacity;
  final InstantSource clock;

  private final ReentrantLock lock = new ReentrantLock();
  // Read without the lock by find(); written under it.
  final ConcurrentHashMap<TaskId, Entry> tasks = new ConcurrentHashMap<>();
  private final Map<String, Entry> byIdempotencyKey = new HashMap<>();
  // Ready tasks, by tenant, in the order of their turns, and delayed ones.
  final ReadyTasks ready = new ReadyTasks(lock.newCondition());
  private final Map<TaskId, Entry> running = new HashMap<>();
  // Final tasks, kept while retention and the graph need them, with their webhook deliveries.
  final FinalTasks finished;
  final StatusCounts counts = new StatusCounts();
  private long nextSeq;
  private final TaskGraph graph = new TaskGraph();
  private final MemoryTaskAdmin admin = new MemoryTaskAdmin(this);
  private final MemoryWorkers workers = new MemoryWorkers(this);

  private InMemoryQueueBackend(Builder b) {
    this.capacity = b.capacity;
    this.finished = new FinalTasks(b.retentionAge, b.retentionCount, tasks, byIdempotencyKey, counts, graph);
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
      if (counts.of(TaskStatus.PENDING) >= capacity) {
        if (tasks.containsKey(task.id())) {
          throw new IllegalArgumentException("task " + task.id() + " exists already");
        }
        throw new TaskRejectedException(TaskRejectedException.Reason.QUEUE_FULL,
            "the queue is full: " + capacity + " tasks are pending; try again later", Duration.ofSeconds(1));
      }
      Instant now = clock.instant();
      Task stored = graph.admit(task, tasks, now);
      Entry e = new Entry(stored, nextSeq);
      // One lookup in the (large) map instead of containsKey() then put().
      if (tasks.putIfAbsent(task.id(), e) != null) {
        throw new IllegalArgumentException("task " + task.id() + " exists already");
      }
      nextSeq++;
      if (key != null) {
        byIdempotencyKey.put(key, e);
      }
      counts.add(stored.status());
      graph.added(e, tasks);
      if (stored.status() != TaskStatus.PENDING) {
        finished.retire(e, now); // a task it waits for had failed or been cancelled
      } else if (!stored.isWaiting()) {
        ready.schedule(e, now);
      }
      return new Enqueued(stored, true);
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
        List<Lease> leases = ready.lease(request, now, this::move, running);
        if (!leases.isEmpty() || remaining <= 0) {
          return leases;
        }
        remaining = ready.awaitWork(remaining, now);
      }
    } finally {
      lock.unlock();
    }
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
      Instant now = clock.instant();
      List<TaskId> parents = e.task.dependsOn();
      Task t = outcome instanceof Outcome.Await a ? graph.await(e.task, a, tasks, now, e.cancelRequested)
          : TaskStates.ended(e.task, outcome, now);
      running.remove(e.task.id());
      ready.stoppedRunning(e);
      e.leaseOwner = null;
      e.leaseExpiresAt = null;
      move(e, t);
      graph.awaited(e, parents, tasks, outcome instanceof Outcome.Await); // the edges an Await added, if any
      if (t.status() == TaskStatus.PENDING) {
        if (outcome instanceof Outcome.Released) {
          ready.requeueFirst(e);
        } else if (!t.isWaiting()) {
          ready.schedule(e, now);
        }
      } else {
        finished.retire(e, now);
        settle(e, now);
        if (outcome instanceof Outcome.Await a) { // cancelled while it ran: its work goes with it
          graph.cancelAwaited(e, a, tasks, p -> cancel(p, now));
        }
      }
      return t;
    } finally {
      unlockAndTell();
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
      boolean changed = cancel(e, clock.instant());
      return Optional.of(new CancelResult(e.task, changed));
    } finally {
      unlockAndTell();
    }
  }

  /** Cancels {@code e} under the lock: a PENDING task ends CANCELLED, a RUNNING one is asked to stop; if it changed. */
  private boolean cancel(Entry e, Instant now) {
    switch (e.task.status()) {
      case PENDING -> {
        e.queued = Entry.Queued.NO; // left in its queue, skipped when reached
        graph.cancelled(e);
        move(e, TaskStates.cancelledPending(e.task, now));
        finished.retire(e, now);
        settle(e, now);
        return true;
      }
      case RUNNING -> {
        boolean changed = !e.cancelRequested;
        e.cancelRequested = true;
        return changed;
      }
      default -> { return false; }
    }
  }

  @Override
  public Optional<Task> find(TaskId id) {
    Entry e = tasks.get(id);
    if (e != null && e.task.isWaiting()) {
      return Optional.of(locked(() -> { // its parents may have completed since its snapshot was made
        graph.refresh(e);
        return e.task;
      }));
    }
    return e == null ? Optional.empty() : Optional.of(e.task);
  }

  @Override
  public List<Task> list(TaskQuery query) {
    return locked(() -> {
      graph.refreshAll();
      return TaskListing.page(query, running.values(), ready.ready(), ready.delayed(), graph.waiting(),
          finished.newestFirst());
    });
  }

  @Override
  public Map<TaskStatus, Long> counts() {
    return locked(counts::toMap);
  }

  @Override
  public long pendingCount() {
    return locked(() -> counts.of(TaskStatus.PENDING) - graph.waitingCount());
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
        ready.stoppedRunning(e);
        Task t = TaskStates.expired(e.task, e.leaseOwner, now);
        e.leaseOwner = null;
        e.leaseExpiresAt = null;
        move(e, t);
        if (t.status() == TaskStatus.FAILED) {
          finished.retire(e, now);
          settle(e, now);
        } else {
          ready.schedule(e, now);
        }
        changed.add(t);
      }
      return changed;
    } finally {
      unlockAndTell();
    }
  }

  @Override
  public int prune() {
    return locked(() -> finished.prune(clock.instant()));
  }

  /**
   * The graph's step after task {@code e} ended, under the same lock: a COMPLETED task readies the tasks that
   * waited for it alone; a FAILED or CANCELLED one cancels those that wait on it, down the graph.
   */
  private void settle(Entry e, Instant now) {
    graph.settle(e, now, c -> ready.schedule(c, now), (c, cancelled) -> {
      move(c, cancelled);
      finished.retire(c, now);
    });
  }

  /** Releases the lock, then tells the listeners of the tasks the graph changed meanwhile. */
  private void unlockAndTell() {
    List<TaskGraph.Change> changes = graph.takeChanges();
    lock.unlock();
    graph.tell(changes);
  }

  @Override
  public List<TaskId> dependents(TaskId parent) {
    return locked(() -> graph.dependents(parent));
  }

  @Override
  public Subscription addListener(BackendListener listener) {
    return graph.addListener(listener);
  }

  /** Replaces the entry's snapshot and keeps the counts by status. Under the lock. */
  void move(Entry e, Task next) {
    counts.moved(e.task.status(), next.status());
    e.task = next;
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
    if (e == null || e.task.status() != TaskStatus.RUNNING || e.fence() != lease.fence()) {
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
