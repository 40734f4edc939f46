package io.ffmpegqueue.memory;

import io.ffmpegqueue.TaskId;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/**
 * The in-memory backend's final tasks: kept for inspection up to an age and a count, and while a task that waits
 * on them has not ended (the graph holds them), each with its webhook delivery when it has a URL (stored with its
 * end, removed with it), and taken out again by a retry or a delete by hand. Used under the backend's lock.
 */
final class FinalTasks {
  private final Retention retention;
  private final DeliveryStore webhooks = new DeliveryStore();
  private final Map<TaskId, Entry> tasks;
  private final Map<String, Entry> byIdempotencyKey;
  private final StatusCounts counts;
  private final TaskGraph graph;

  FinalTasks(Duration maxAge, int maxCount, Map<TaskId, Entry> tasks, Map<String, Entry> byIdempotencyKey,
      StatusCounts counts, TaskGraph graph) {
    this.retention = new Retention(maxAge, maxCount);
    this.tasks = tasks;
    this.byIdempotencyKey = byIdempotencyKey;
    this.counts = counts;
    this.graph = graph;
  }

  DeliveryStore webhooks() {
    return webhooks;
  }

  Iterator<Entry> newestFirst() {
    return retention.newestFirst();
  }

  /** Keeps a task that ended, with its webhook delivery when it has a URL, and prunes. */
  void retire(Entry e, Instant now) {
    retention.add(e);
    graph.ended(e, tasks, this::forget);
    URI url = e.task.request().webhookUrl();
    if (url != null) {
      webhooks.addFirst(e.task.id(), url, now);
    }
    prune(now);
  }

  /** Removes the tasks past the limits that no waiting task needs; how many. */
  int prune(Instant now) {
    int removed = 0;
    Entry e;
    while ((e = retention.pollExpired(now)) != null) {
      if (!graph.holds(e)) { // a task that waits on it has not ended: kept until it has
        forget(e);
        removed++;
      }
    }
    return removed;
  }

  /** Whether a task that waits on this final one has not ended, so it may not be deleted yet. */
  boolean needed(Entry e) {
    return e.openChildren > 0;
  }

  /** Takes a task that runs again out of the kept ones, with its delivery (it gets a new one when it ends). */
  void reopen(Entry e) {
    retention.remove(e);
    webhooks.remove(e.task.id());
  }

  /** Removes a kept task by hand. */
  void delete(Entry e) {
    retention.remove(e);
    forget(e);
  }

  private void forget(Entry e) {
    tasks.remove(e.task.id());
    String key = e.task.request().idempotencyKey();
    if (key != null && byIdempotencyKey.get(key) == e) {
      byIdempotencyKey.remove(key);
    }
    counts.remove(e.task.status());
    webhooks.remove(e.task.id());
    graph.removed(e);
  }
}
