package io.ffmpegqueue.memory;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskRejectedException;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.TenantLimits;
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
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

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

  // Every completed task's progress: one shared box rather than a new one per task.
  private static final Double DONE = 1.0;

  private static final Comparator<Entry> BY_RUN_AT =
      Comparator.comparing((Entry e) -> e.task.runAt()).thenComparingLong(e -> e.seq);
  // Whose turn it is: the best ready priority, then the tenant served longest ago, then by name.
  private static final Comparator<Tenant> TURN_ORDER = Comparator.comparingInt((Tenant t) -> t.turnPriority)
      .thenComparingLong(t -> t.turnServed).thenComparing(t -> t.name);

  private final int capacity;
  private final Duration retentionAge;
  private final int retentionCount;
  private final InstantSource clock;

  private final ReentrantLock lock = new ReentrantLock();
  // Webhook deliveries, under the lock: stored with the task's end (see retire) and removed with the task
  // by retention. The pending ones apart, so a look for due deliveries passes over only those.
  private final Map<TaskId, WebhookDelivery> webhooks = new HashMap<>();
  private final Set<TaskId> pendingWebhooks = new LinkedHashSet<>();
  private final Condition workAvailable = lock.newCondition();
  // Read without the lock by find(); written under it.
  private final ConcurrentHashMap<TaskId, Entry> tasks = new ConcurrentHashMap<>();
  private final Map<String, Entry> byIdempotencyKey = new HashMap<>();
  // Ready tasks, by tenant; the tenants with ready tasks in the order of their turns.
  private final Map<String, Tenant> tenants = new HashMap<>();
  private final TreeSet<Tenant> turns = new TreeSet<>(TURN_ORDER);
  private long served;
  private final PriorityQueue<Entry> delayed = new PriorityQueue<>(BY_RUN_AT);
  private final Map<TaskId, Entry> running = new HashMap<>();
  private final ArrayDeque<Entry> finished = new ArrayDeque<>();
  private final long[] counts = new long[TaskStatus.values().length];
  private long nextSeq;

  private InMemoryQueueBackend(Builder b) {
    this.capacity = b.capacity;
    this.retentionAge = b.retentionAge;
    this.retentionCount = b.retentionCount;
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
      if (counts[TaskStatus.PENDING.ordinal()] >= capacity) {
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
      counts[TaskStatus.PENDING.ordinal()]++;
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
        promoteDue(now);
        List<Lease> leases = takeReady(request, now);
        if (!leases.isEmpty() || remaining <= 0) {
          return leases;
        }
        long wait = remaining;
        Entry next = delayed.peek();
        if (next != null) {
          long untilDue = Duration.between(now, next.task.runAt()).toNanos();
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
    List<Lease> leases = null;
    List<Tenant> atLimit = null;
    Instant expiresAt = now.plus(request.leaseDuration());
    while ((leases == null || leases.size() < request.maxTasks()) && !turns.isEmpty()) {
      Tenant tenant = turns.pollFirst();
      tenant.inTurns = false;
      int max = request.tenantLimits().maxRunning(tenant.name);
      if (max > 0 && tenant.running >= max) {
        if (atLimit == null) {
          atLimit = new ArrayList<>();
        }
        atLimit.add(tenant); // back in turn after this claim
        continue;
      }
      Entry e = tenant.pollReady();
      if (e == null) {
        settle(tenant); // only cancelled tasks were left
        continue;
      }
      tenant.running++;
      tenant.served = ++served;
      settle(tenant);
      e.queued = Queued.NO;
      Task p = e.task;
      // RUNNING, next attempt, no progress yet, started now. The constructor rather than toBuilder(): every
      // task passes here, and the builder was one more object each time.
      Task t = new Task(p.id(), p.request(), TaskStatus.RUNNING, p.attempt() + 1, null, p.outputs(), p.error(),
          p.createdAt(), p.runAt(), now, p.finishedAt());
      move(e, t);
      e.leaseOwner = request.workerId();
      e.leaseExpiresAt = expiresAt;
      e.cancelRequested = false;
      running.put(t.id(), e);
      if (leases == null) {
        leases = new ArrayList<>(Math.min(request.maxTasks(), 16));
      }
      leases.add(new Lease(t, request.workerId(), expiresAt));
    }
    if (atLimit != null) {
      for (Tenant tenant : atLimit) {
        settle(tenant);
      }
    }
    return leases == null ? List.of() : leases;
  }

  @Override
  public LeaseState renew(Renewal renewal) {
    Lease lease = renewal.lease();
    lock.lock();
    try {
      Entry e = current(lease);
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
      Task t;
      if (outcome instanceof Outcome.Completed c) {
        // The common end, built without a builder (see takeReady).
        Task p = e.task;
        t = new Task(p.id(), p.request(), TaskStatus.COMPLETED, p.attempt(), DONE, c.outputs(), null,
            p.createdAt(), p.runAt(), p.startedAt(), now);
      } else {
        t = next(e.task, outcome, now);
      }
      move(e, t);
      if (t.status() == TaskStatus.PENDING) {
        if (outcome instanceof Outcome.Released) {
          requeueFirst(e);
        } else {
          schedule(e, now);
        }
      } else {
        retire(e, now);
      }
      return t;
    } finally {
      lock.unlock();
    }
  }

  /** The snapshot after an attempt that did not complete. */
  private static Task next(Task task, Outcome outcome, Instant now) {
    Task.Builder next = task.toBuilder();
    if (outcome instanceof Outcome.Failed f) {
      if (f.retryAt() == null) {
        next.status(TaskStatus.FAILED).error(f.error()).finishedAt(now);
      } else {
        next.status(TaskStatus.PENDING).error(f.error()).runAt(f.retryAt()).progress(null);
      }
    } else if (outcome instanceof Outcome.Cancelled c) {
      String reason = c.reason() == null ? "cancelled while running" : c.reason();
      next.status(TaskStatus.CANCELLED).error(TaskError.of(ErrorKind.CANCELLED, reason)).finishedAt(now);
    } else {
      next.status(TaskStatus.PENDING).runAt(now).progress(null);
    }
    return next.build();
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
          e.queued = Queued.NO; // left in its queue, skipped when reached
          move(e, e.task.toBuilder()
              .status(TaskStatus.CANCELLED)
              .error(TaskError.of(ErrorKind.CANCELLED, "cancelled before it started"))
              .finishedAt(now)
              .build());
          retire(e, now);
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
    lock.lock();
    try {
      List<Task> page = new ArrayList<>(Math.min(query.limit(), 64));
      int[] skip = {query.offset()};
      TaskStatus s = query.status();
      if (s == null || s == TaskStatus.RUNNING) {
        collect(running.values().iterator(), null, query, skip, page);
      }
      if (s == null || s == TaskStatus.PENDING) {
        for (List<ArrayDeque<Entry>> level : readyLevels().values()) {
          collect(ReadyMerge.bySeq(level, e -> e.seq), TaskStatus.PENDING, query, skip, page);
        }
        List<Entry> waiting = new ArrayList<>(delayed);
        waiting.sort(BY_RUN_AT);
        collect(waiting.iterator(), TaskStatus.PENDING, query, skip, page);
      }
      if (s == null || s.isFinal()) {
        collect(finished.descendingIterator(), s, query, skip, page);
      }
      return page;
    } finally {
      lock.unlock();
    }
  }

  private static void collect(Iterator<Entry> it, TaskStatus status, TaskQuery q, int[] skip, List<Task> page) {
    while (it.hasNext() && page.size() < q.limit()) {
      Task t = it.next().task;
      if (status != null && t.status() != status) {
        continue;
      }
      if (skip[0] > 0) {
        skip[0]--;
      } else {
        page.add(t);
      }
    }
  }

  @Override
  public Map<TaskStatus, Long> counts() {
    lock.lock();
    try {
      Map<TaskStatus, Long> m = new EnumMap<>(TaskStatus.class);
      for (TaskStatus s : TaskStatus.values()) {
        m.put(s, counts[s.ordinal()]);
      }
      return m;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long pendingCount() {
    lock.lock();
    try {
      return counts[TaskStatus.PENDING.ordinal()];
    } finally {
      lock.unlock();
    }
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
        String message = "worker " + e.leaseOwner + " stopped renewing its lease on attempt " + e.task.attempt();
        e.leaseOwner = null;
        e.leaseExpiresAt = null;
        Task t;
        if (e.task.attempt() >= Math.max(1, e.task.request().maxAttempts())) {
          t = e.task.toBuilder().status(TaskStatus.FAILED)
              .error(TaskError.of(ErrorKind.LEASE_EXPIRED, message + "; no attempts left"))
              .finishedAt(now).build();
          move(e, t);
          retire(e, now);
        } else {
          t = e.task.toBuilder().status(TaskStatus.PENDING).progress(null).runAt(now)
              .error(TaskError.of(ErrorKind.LEASE_EXPIRED, message)).build();
          move(e, t);
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
    lock.lock();
    try {
      return pruneLocked(clock.instant());
    } finally {
      lock.unlock();
    }
  }

  private int pruneLocked(Instant now) {
    int removed = 0;
    Instant cutoff = now.minus(retentionAge);
    while (!finished.isEmpty()
        && (finished.size() > retentionCount || finished.peekFirst().task.finishedAt().isBefore(cutoff))) {
      Entry e = finished.pollFirst();
      tasks.remove(e.task.id());
      String key = e.task.request().idempotencyKey();
      if (key != null && byIdempotencyKey.get(key) == e) {
        byIdempotencyKey.remove(key);
      }
      counts[e.task.status().ordinal()]--;
      if (webhooks.remove(e.task.id()) != null) {
        pendingWebhooks.remove(e.task.id()); // as PostgreSQL's ON DELETE CASCADE
      }
      removed++;
    }
    return removed;
  }

  /** Replaces the entry's snapshot and keeps the counts by status. Under the lock. */
  private void move(Entry e, Task next) {
    if (e.task.status() != next.status()) {
      counts[e.task.status().ordinal()]--;
      counts[next.status().ordinal()]++;
    }
    e.task = next;
  }

  private void schedule(Entry e, Instant now) {
    if (e.task.runAt().isAfter(now)) {
      e.queued = Queued.DELAYED;
      delayed.add(e);
      workAvailable.signal(); // a waiting claimer may have to wake earlier
    } else {
      addReady(e, false);
      workAvailable.signal();
    }
  }

  private void requeueFirst(Entry e) {
    addReady(e, true);
    workAvailable.signal();
  }

  /** Queues a task in its tenant's ready tasks and gives the tenant a turn. Under the lock. */
  private void addReady(Entry e, boolean first) {
    e.queued = Queued.READY;
    Tenant tenant = tenants.computeIfAbsent(tenantOf(e.task), Tenant::new);
    int priority = e.task.request().priority();
    ArrayDeque<Entry> level = tenant.ready.computeIfAbsent(priority, p -> new ArrayDeque<>());
    if (first) {
      level.addFirst(e);
    } else {
      level.addLast(e);
    }
    if (!tenant.inTurns) {
      settle(tenant);
    } else if (priority < tenant.turnPriority) {
      turns.remove(tenant);
      tenant.turnPriority = priority;
      turns.add(tenant);
    }
  }

  /** Puts a tenant that is out of {@link #turns} back in turn, or forgets it when it is idle. */
  private void settle(Tenant tenant) {
    if (!tenant.ready.isEmpty()) {
      tenant.turnPriority = tenant.ready.firstKey();
      tenant.turnServed = tenant.served;
      tenant.inTurns = true;
      turns.add(tenant);
    } else if (tenant.running == 0) {
      // An idle tenant is forgotten (so one-off names do not pile up); when it comes back it is new again.
      tenants.remove(tenant.name);
    }
  }

  /** One of a tenant's tasks left RUNNING. Under the lock. */
  private void stoppedRunning(Entry e) {
    Tenant tenant = tenants.get(tenantOf(e.task));
    if (tenant == null) {
      return;
    }
    tenant.running--;
    if (!tenant.inTurns) {
      settle(tenant);
    } else {
      workAvailable.signal(); // it may have been at its running limit
    }
  }

  private static String tenantOf(Task task) {
    String t = task.request().tenant();
    return t == null ? TenantLimits.NO_TENANT : t;
  }

  /** Every tenant's ready queues, by priority. */
  private TreeMap<Integer, List<ArrayDeque<Entry>>> readyLevels() {
    TreeMap<Integer, List<ArrayDeque<Entry>>> levels = new TreeMap<>();
    for (Tenant tenant : tenants.values()) {
      tenant.ready.forEach((p, q) -> levels.computeIfAbsent(p, k -> new ArrayList<>(1)).add(q));
    }
    return levels;
  }

  private void promoteDue(Instant now) {
    Entry e;
    while ((e = delayed.peek()) != null && !e.task.runAt().isAfter(now)) {
      delayed.poll();
      if (e.queued == Queued.DELAYED && e.task.status() == TaskStatus.PENDING) {
        addReady(e, false);
      }
    }
  }

  /** Keeps a task that ended, with its webhook delivery when it has a URL. Under the lock. */
  private void retire(Entry e, Instant now) {
    finished.addLast(e);
    URI url = e.task.request().webhookUrl();
    if (url != null) {
      putWebhook(e.task.id(), WebhookDelivery.first(e.task.id(), url, now), false);
    }
    pruneLocked(now);
  }

  /** Stores a delivery (unless the task has one and {@code replace} is false). Under the lock. */
  private boolean putWebhook(TaskId id, WebhookDelivery d, boolean replace) {
    if (!replace && webhooks.containsKey(id)) {
      return false;
    }
    webhooks.put(id, d);
    if (d.state() == WebhookDelivery.State.PENDING) {
      pendingWebhooks.add(id);
    } else {
      pendingWebhooks.remove(id);
    }
    return true;
  }

  private Entry current(Lease lease) {
    Entry e = tasks.get(lease.taskId());
    if (e == null || e.task.status() != TaskStatus.RUNNING || e.task.attempt() != lease.attempt()) {
      return null;
    }
    return e;
  }

  private enum Queued { NO, READY, DELAYED }

  /** One tenant's ready tasks, running count and last turn. */
  private static final class Tenant {
    final String name;
    final TreeMap<Integer, ArrayDeque<Entry>> ready = new TreeMap<>();
    int running;
    long served; // when it last had a task claimed, as a count of claims; 0: never
    // The sort key while in turns, fixed there so the TreeSet stays consistent.
    int turnPriority;
    long turnServed;
    boolean inTurns;

    Tenant(String name) {
      this.name = name;
    }

    /** The next ready task in priority then submission order, dropping cancelled ones; null when none. */
    Entry pollReady() {
      while (!ready.isEmpty()) {
        Map.Entry<Integer, ArrayDeque<Entry>> level = ready.firstEntry();
        Entry e = level.getValue().pollFirst();
        if (level.getValue().isEmpty()) {
          ready.pollFirstEntry();
        }
        if (e != null && e.task.status() == TaskStatus.PENDING && e.queued == Queued.READY) {
          return e;
        }
      }
      return null;
    }
  }

  private static final class Entry {
    volatile Task task;
    final long seq;
    Queued queued = Queued.NO;
    String leaseOwner;
    Instant leaseExpiresAt;
    boolean cancelRequested;

    Entry(Task task, long seq) {
      this.task = task;
      this.seq = seq;
    }
  }

  @Override
  public void updateWebhook(TaskId id, WebhookDelivery delivery) {
    lock.lock();
    try {
      if (webhooks.containsKey(id)) { // a task pruned meanwhile stays gone, delivery and all
        putWebhook(id, delivery, true);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<WebhookDelivery> findWebhook(TaskId id) {
    lock.lock();
    try {
      return Optional.ofNullable(webhooks.get(id));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<DueWebhook> claimDueWebhooks(Instant now, Duration holdFor, int limit) {
    List<DueWebhook> due = new ArrayList<>();
    lock.lock();
    try {
      for (TaskId id : pendingWebhooks) {
        if (due.size() >= limit) {
          break;
        }
        WebhookDelivery d = webhooks.get(id);
        if (d.nextAttemptAt() != null && !d.nextAttemptAt().isAfter(now)) {
          WebhookDelivery held = new WebhookDelivery(d.deliveryId(), d.url(), d.state(), d.attempts(), now.plus(holdFor));
          webhooks.put(id, held);
          due.add(new DueWebhook(id, held));
        }
      }
    } finally {
      lock.unlock();
    }
    return due;
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
