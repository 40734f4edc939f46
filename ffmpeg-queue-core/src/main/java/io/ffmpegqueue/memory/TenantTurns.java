package io.ffmpegqueue.memory;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.TenantLimits;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The ready tasks of the in-memory backend, by tenant, and whose turn it is: the best ready priority
 * first, then the tenant served longest ago, then by name; within a tenant, priority then submission
 * order. A tenant at its running limit is passed over. Used under the backend's lock.
 */
final class TenantTurns {
  // Whose turn it is: the best ready priority, then the tenant served longest ago, then by name.
  private static final Comparator<Tenant> TURN_ORDER = Comparator.comparingInt((Tenant t) -> t.turnPriority)
      .thenComparingLong(t -> t.turnServed).thenComparing(t -> t.name);

  // The tenants with ready or running tasks; those with ready tasks in the order of their turns.
  private final Map<String, Tenant> tenants = new HashMap<>();
  private final TreeSet<Tenant> turns = new TreeSet<>(TURN_ORDER);
  private long served;

  /**
   * Takes up to {@code max} ready tasks in turn order, each counted as running for its tenant.
   *
   * @return the entries taken, in claim order (marked not queued)
   */
  List<Entry> take(int max, TenantLimits limits) {
    List<Entry> taken = null;
    List<Tenant> atLimit = null;
    while ((taken == null || taken.size() < max) && !turns.isEmpty()) {
      Tenant tenant = turns.pollFirst();
      tenant.inTurns = false;
      int limit = limits.maxRunning(tenant.name);
      if (limit > 0 && tenant.running >= limit) {
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
      e.queued = Entry.Queued.NO;
      if (taken == null) {
        taken = new ArrayList<>(Math.min(max, 16));
      }
      taken.add(e);
    }
    if (atLimit != null) {
      for (Tenant tenant : atLimit) {
        settle(tenant);
      }
    }
    return taken == null ? List.of() : taken;
  }

  /** Queues a task in its tenant's ready tasks (first, for a released one) and gives the tenant a turn. */
  void addReady(Entry e, boolean first) {
    e.queued = Entry.Queued.READY;
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

  /**
   * One of a tenant's tasks left RUNNING.
   *
   * @return whether a waiting claim should look again (the tenant may have been at its running limit)
   */
  boolean stoppedRunning(Entry e) {
    Tenant tenant = tenants.get(tenantOf(e.task));
    if (tenant == null) {
      return false;
    }
    tenant.running--;
    if (!tenant.inTurns) {
      settle(tenant);
      return false;
    }
    return true;
  }

  /** Every tenant's ready queues, by priority, for listing. */
  TreeMap<Integer, List<ArrayDeque<Entry>>> readyLevels() {
    TreeMap<Integer, List<ArrayDeque<Entry>>> levels = new TreeMap<>();
    for (Tenant tenant : tenants.values()) {
      tenant.ready.forEach((p, q) -> levels.computeIfAbsent(p, k -> new ArrayList<>(1)).add(q));
    }
    return levels;
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

  private static String tenantOf(Task task) {
    String t = task.request().tenant();
    return t == null ? TenantLimits.NO_TENANT : t;
  }

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
        if (e != null && e.task.status() == TaskStatus.PENDING && e.queued == Entry.Queued.READY) {
          return e;
        }
      }
      return null;
    }
  }
}
