package io.ffmpegqueue.memory;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spi.BackendListener;
import io.ffmpegqueue.spi.Outcome;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The in-memory backend's task graphs ({@link io.ffmpegqueue.spi.TaskGraphs}): the edges from each parent to the
 * tasks that wait on it, the waiting tasks, readiness when a parent completes, the cascade when one fails or is
 * cancelled, and the parents retention must keep. Used under the backend's lock; the work per step is one map
 * lookup per edge of the task that ended.
 */
final class TaskGraph {
  // Parent id -> the stored tasks that name it, in submission order.
  private final Map<TaskId, Set<Entry>> children = new HashMap<>();
  // The PENDING tasks that still wait, in submission order.
  private final Set<Entry> waiting = new LinkedHashSet<>();
  // Waiting tasks whose snapshot lists parents that have completed since: refreshed when read (see refresh), so a
  // parent's completion costs one set removal per child, not a copy of the child's list of parents.
  private final Set<Entry> stale = new LinkedHashSet<>();
  // Final parents past the retention limits, kept while a task that names them has not ended.
  private final Set<Entry> held = new LinkedHashSet<>();
  // The tasks changed as a consequence of a call on another, for the listeners: told after the lock is released.
  private final List<Change> changes = new ArrayList<>();
  private final List<BackendListener> listeners = new CopyOnWriteArrayList<>();

  /** One task changed by the graph: READY or CANCELLED. */
  record Change(TaskEvent.Type type, TaskId id) {}

  /**
   * The snapshot to store for a new task: waiting for the parents not completed yet, or CANCELLED at once when
   * one of them has ended FAILED or CANCELLED; {@code task} itself when it names no parent.
   *
   * @throws InvalidTaskException naming {@code depends_on} for an unknown parent or the task itself
   */
  Task admit(Task task, Map<TaskId, Entry> tasks, Instant now) {
    List<TaskId> parents = task.dependsOn();
    if (parents.isEmpty()) {
      return task;
    }
    List<TaskId> open = new ArrayList<>(parents.size());
    Task failedParent = null;
    for (TaskId id : parents) {
      if (id.equals(task.id())) {
        throw new InvalidTaskException("depends_on", "task '" + id + "' is the task itself; a task cannot wait for itself");
      }
      Entry p = tasks.get(id);
      if (p == null) {
        throw new InvalidTaskException("depends_on", "task '" + id + "' does not exist (never submitted, or pruned)");
      }
      TaskStatus s = p.task.status();
      if (s != TaskStatus.COMPLETED) {
        open.add(id);
      }
      if ((s == TaskStatus.FAILED || s == TaskStatus.CANCELLED) && failedParent == null) {
        failedParent = p.task;
      }
    }
    if (failedParent != null) {
      return task.toBuilder().status(TaskStatus.CANCELLED).error(TaskError.dependency(failedParent))
          .finishedAt(now).waitingFor(List.of()).build();
    }
    return task.toBuilder().waitingFor(open).build();
  }

  /**
   * The snapshot of running task {@code task} after it ended its attempt with {@link Outcome.Await}: the awaited
   * ids added to its {@code dependsOn}, PENDING and waiting for those not completed (its attempt given back, as
   * at a hand-back), ready at once when none is left or one has failed or been cancelled, or CANCELLED when a
   * cancel was asked for while it ran. Changes nothing; {@link #awaited} records it.
   *
   * @throws InvalidTaskException naming {@code depends_on} for an unknown task or the task itself
   */
  Task await(Task task, Outcome.Await await, Map<TaskId, Entry> tasks, Instant now, boolean cancelRequested) {
    List<TaskId> more = new ArrayList<>();
    for (TaskId id : await.tasks()) {
      if (!task.dependsOn().contains(id) && !more.contains(id)) {
        more.add(id);
      }
    }
    TaskRequest request = task.request().toBuilder().after(more).build();
    Task pending = new Task(task.id(), request, TaskStatus.PENDING, task.attempt() - 1, null, task.outputs(),
        task.error(), task.createdAt(), now, task.startedAt(), null, List.of());
    Task next = admit(pending, tasks, now); // refuses unknown ids
    if (cancelRequested) {
      return new Task(task.id(), request, TaskStatus.CANCELLED, task.attempt(), null, task.outputs(),
          TaskError.of(ErrorKind.CANCELLED, "cancelled while running"), task.createdAt(), task.runAt(),
          task.startedAt(), now, List.of());
    }
    return next.status() == TaskStatus.PENDING ? next : pending; // one has failed: ready now, to decide
  }

  /** Records the edges that {@link #await} added to {@code e} (its snapshot stored), that it awaits, and whether it
   * waits; nothing when its request is still {@code before}'s and {@code await} is false. */
  void awaited(Entry e, List<TaskId> before, Map<TaskId, Entry> tasks, boolean await) {
    e.awaits |= await;
    if (e.task.dependsOn() == before) {
      return; // the same request: no Await
    }
    for (TaskId id : e.task.dependsOn()) {
      if (!before.contains(id)) {
        children.computeIfAbsent(id, k -> new LinkedHashSet<>()).add(e);
        tasks.get(id).openChildren++;
      }
    }
    if (e.task.isWaiting()) {
      e.waitingFor = new LinkedHashSet<>(e.task.waitingFor());
      waiting.add(e);
    }
  }

  /** Records the edges of a stored task and whether it waits. */
  void added(Entry e, Map<TaskId, Entry> tasks) {
    List<TaskId> parents = e.task.dependsOn();
    if (parents.isEmpty()) {
      return;
    }
    for (TaskId id : parents) {
      children.computeIfAbsent(id, k -> new LinkedHashSet<>()).add(e);
      tasks.get(id).openChildren++; // one less when e ends (see ended), which every task does once
    }
    if (e.task.isWaiting()) {
      e.waitingFor = new LinkedHashSet<>(e.task.waitingFor());
      waiting.add(e);
    }
  }

  /**
   * The graph's step after task {@code e} ended, under the same lock as the end: a COMPLETED task readies the
   * tasks that waited for it alone ({@code ready}); a FAILED or CANCELLED one cancels those that wait on it, down
   * the graph ({@code end}).
   */
  void settle(Entry e, Instant now, Consumer<Entry> ready, BiConsumer<Entry, Task> end) {
    if (e.task.status() == TaskStatus.COMPLETED) {
      completed(e, now, ready);
    } else {
      failed(e, now, ready, end);
    }
  }

  /**
   * Parent {@code p} completed: removes it from what its children wait for, and hands each child that waits for
   * nothing more to {@code ready}.
   */
  void completed(Entry p, Instant now, Consumer<Entry> ready) {
    Set<Entry> kids = children.get(p.task.id());
    if (kids == null) {
      return;
    }
    for (Entry c : kids) {
      if (c.waitingFor == null || !c.waitingFor.remove(p.task.id())) {
        continue;
      }
      if (c.waitingFor.isEmpty()) {
        c.waitingFor = null;
        waiting.remove(c);
        stale.remove(c);
        c.task = c.task.toBuilder().waitingFor(List.of()).runAt(now).build();
        changes.add(new Change(TaskEvent.Type.READY, c.task.id()));
        ready.accept(c);
      } else {
        stale.add(c);
      }
    }
  }

  /**
   * Parent {@code p} ended FAILED or CANCELLED: every task that waits on it, and on those, down the graph, is
   * handed to {@code end} with its CANCELLED snapshot ({@link io.ffmpegqueue.ErrorKind#DEPENDENCY}); but a task
   * that awaits it ({@link Outcome.Await}) is handed to {@code ready}: it runs again and decides.
   */
  void failed(Entry p, Instant now, Consumer<Entry> ready, BiConsumer<Entry, Task> end) {
    ArrayDeque<Entry> ended = new ArrayDeque<>();
    ended.add(p);
    Entry parent;
    while ((parent = ended.poll()) != null) {
      Set<Entry> kids = children.get(parent.task.id());
      if (kids == null) {
        continue;
      }
      for (Entry c : List.copyOf(kids)) {
        if (c.task.status() != TaskStatus.PENDING || c.waitingFor == null) {
          continue; // ended already, or (never: a parent that did not complete) ready
        }
        c.waitingFor = null;
        waiting.remove(c);
        stale.remove(c);
        if (c.awaits) {
          c.task = c.task.toBuilder().waitingFor(List.of()).runAt(now).build();
          changes.add(new Change(TaskEvent.Type.READY, c.task.id()));
          ready.accept(c);
          continue;
        }
        Task cancelled = c.task.toBuilder().status(TaskStatus.CANCELLED).error(TaskError.dependency(parent.task))
            .finishedAt(now).waitingFor(List.of()).progress(null).build();
        changes.add(new Change(TaskEvent.Type.CANCELLED, c.task.id()));
        end.accept(c, cancelled);
        ended.add(c);
      }
    }
  }

  /** A PENDING task was cancelled by a call on it: it no longer waits. */
  void cancelled(Entry e) {
    if (e.waitingFor != null) {
      e.waitingFor = null;
      waiting.remove(e);
      stale.remove(e);
    }
  }

  /** Brings the snapshot of waiting task {@code e} up to date with the parents it still waits for. */
  void refresh(Entry e) {
    if (stale.remove(e)) {
      e.task = e.task.toBuilder().waitingFor(List.copyOf(e.waitingFor)).build();
    }
  }

  /** Brings every waiting task's snapshot up to date (before a listing). */
  void refreshAll() {
    for (Entry e : stale) {
      e.task = e.task.toBuilder().waitingFor(List.copyOf(e.waitingFor)).build();
    }
    stale.clear();
  }

  /**
   * Task {@code e} ended: its parents have one open child less.
   *
   * @param release receives each held parent that no task needs any more, to be removed
   */
  void ended(Entry e, Map<TaskId, Entry> tasks, Consumer<Entry> release) {
    for (TaskId id : e.task.dependsOn()) {
      Entry p = tasks.get(id);
      if (p != null && --p.openChildren == 0 && held.remove(p)) {
        release.accept(p);
      }
    }
  }

  /**
   * Whether retention must keep final task {@code e} past its limits (a task that names it has not ended); it is
   * then held and released through {@link #ended} later.
   */
  boolean holds(Entry e) {
    if (e.openChildren > 0) {
      held.add(e);
      return true;
    }
    return false;
  }

  /** Task {@code e} was removed: its edges go. */
  void removed(Entry e) {
    children.remove(e.task.id());
    for (TaskId id : e.task.dependsOn()) {
      Set<Entry> siblings = children.get(id);
      if (siblings != null) {
        siblings.remove(e);
      }
    }
  }

  /** How many PENDING tasks wait. */
  int waitingCount() {
    return waiting.size();
  }

  /** The waiting tasks, in submission order. */
  Collection<Entry> waiting() {
    return waiting;
  }

  /** The ids of the stored tasks that name {@code parent}. */
  List<TaskId> dependents(TaskId parent) {
    Set<Entry> kids = children.get(parent);
    return kids == null ? List.of() : kids.stream().map(c -> c.task.id()).toList();
  }

  /**
   * Task {@code e} awaited tasks after a cancel of it was asked for, so it ended CANCELLED: they were its work, and
   * {@code cancel} cancels each. No worker tells of these ends, so the listeners hear of them.
   */
  void cancelAwaited(Entry e, Outcome.Await await, Map<TaskId, Entry> tasks, Predicate<Entry> cancel) {
    changes.add(new Change(TaskEvent.Type.CANCELLED, e.task.id()));
    for (TaskId id : await.tasks()) {
      Entry p = tasks.get(id);
      if (p != null && cancel.test(p) && p.task.status() == TaskStatus.CANCELLED) {
        changes.add(new Change(TaskEvent.Type.CANCELLED, id));
      }
    }
  }

  /** Takes the changes made since the last call, to tell the listeners outside the lock. */
  List<Change> takeChanges() {
    if (changes.isEmpty()) {
      return List.of();
    }
    List<Change> out = List.copyOf(changes);
    changes.clear();
    return out;
  }

  /** Registers a listener for the changes; see {@link #tell}. */
  Subscription addListener(BackendListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return () -> listeners.remove(listener);
  }

  /** Tells the listeners of {@code changes} (taken with {@link #takeChanges}), outside the backend's lock. */
  void tell(List<Change> changes) {
    for (Change c : changes) {
      for (BackendListener l : listeners) {
        l.onRemoteEvent(c.type(), c.id());
      }
    }
  }
}
