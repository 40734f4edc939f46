package io.ffmpegqueue.memory;

import io.ffmpegqueue.AttemptSeries;
import io.ffmpegqueue.QueueStats;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskPage;
import io.ffmpegqueue.TaskSearch;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spi.CancelResult;
import io.ffmpegqueue.spi.TaskAdmin;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * The in-memory backend's {@link TaskAdmin}. A search looks at every task it holds (a bounded heap keeps the
 * page), so it costs time in proportion to the tasks kept (at most the capacity plus the retention count); the
 * statistics walk the final tasks that ended in the last hour, newest first, and the delayed ones.
 */
final class MemoryTaskAdmin implements TaskAdmin {
  // TaskCursor's order, reversed, without making a cursor per comparison.
  private static final Comparator<Task> NEWEST_FIRST =
      Comparator.comparing(Task::createdAt).thenComparing((Task t) -> t.id().value()).reversed();

  private final InMemoryQueueBackend b;

  MemoryTaskAdmin(InMemoryQueueBackend backend) {
    this.b = backend;
  }

  @Override
  public Optional<CancelResult> retry(TaskId id) {
    return b.locked(() -> {
      Entry e = b.tasks.get(id);
      if (e == null) {
        return Optional.empty();
      }
      Task t = e.task;
      if (t.status() != TaskStatus.FAILED && t.status() != TaskStatus.CANCELLED) {
        return Optional.of(new CancelResult(t, false));
      }
      Instant now = b.clock.instant();
      b.finished.reopen(e);
      if (e.history == null) {
        e.history = new ArrayList<>();
      }
      e.history.add(AttemptSeries.of(e.history.size() + 1, t));
      e.attemptsBefore += t.attempt(); // the new series' leases get tokens above the old ones'
      Task again = t.toBuilder().status(TaskStatus.PENDING).attempt(0).progress(null).outputs(List.of())
          .error(null).runAt(now).startedAt(null).finishedAt(null).build();
      b.move(e, again);
      b.ready.schedule(e, now);
      return Optional.of(new CancelResult(again, true));
    });
  }

  @Override
  public Optional<CancelResult> delete(TaskId id) {
    return b.locked(() -> {
      Entry e = b.tasks.get(id);
      if (e == null) {
        return Optional.empty();
      }
      if (!e.task.status().isFinal() || b.finished.needed(e)) {
        return Optional.of(new CancelResult(e.task, false)); // running, or still needed by a task that waits on it
      }
      b.finished.delete(e);
      return Optional.of(new CancelResult(e.task, true));
    });
  }

  @Override
  public List<AttemptSeries> history(TaskId id) {
    return b.locked(() -> {
      Entry e = b.tasks.get(id);
      return e == null || e.history == null ? List.<AttemptSeries>of() : List.copyOf(e.history);
    });
  }

  @Override
  public TaskPage search(TaskSearch search) {
    Instant now = b.clock.instant();
    // The page plus one (which tells that a next page exists), the oldest of them on top.
    PriorityQueue<Task> page = new PriorityQueue<>(NEWEST_FIRST.reversed());
    for (Entry e : b.tasks.values()) {
      Task t = e.task;
      if (!TaskSearch.isAfter(t, search.after()) || !search.matches(t, now)) {
        continue;
      }
      if (page.size() <= search.limit()) {
        page.add(t);
      } else if (NEWEST_FIRST.compare(t, page.peek()) < 0) { // newer than the oldest kept: it takes its place
        page.poll();
        page.add(t);
      }
    }
    List<Task> sorted = new ArrayList<>(page);
    sorted.sort(NEWEST_FIRST);
    return TaskPage.of(sorted, search.limit());
  }

  @Override
  public QueueStats stats() {
    return b.locked(() -> {
      Instant now = b.clock.instant();
      Long[] completed = new Long[QueueStats.MINUTES];
      Long[] failed = new Long[QueueStats.MINUTES];
      Arrays.fill(completed, 0L);
      Arrays.fill(failed, 0L);
      List<Long> waits = new ArrayList<>();
      List<Long> runs = new ArrayList<>();
      for (Iterator<Entry> it = b.finished.newestFirst(); it.hasNext(); ) {
        Task t = it.next().task;
        int minute = QueueStats.minuteOf(t.finishedAt(), now);
        if (minute < 0) {
          break; // kept in the order they ended: the rest ended earlier
        }
        if (t.status() == TaskStatus.COMPLETED) {
          completed[minute]++;
        } else if (t.status() == TaskStatus.FAILED) {
          failed[minute]++;
        }
        if (t.startedAt() != null) {
          waits.add(Duration.between(t.runAt(), t.startedAt()).toMillis());
          runs.add(Duration.between(t.startedAt(), t.finishedAt()).toMillis());
        }
      }
      long scheduled = 0;
      for (Entry e : b.ready.delayed().inOrder()) {
        if (e.queued == Entry.Queued.DELAYED && e.task.status() == TaskStatus.PENDING && e.task.runAt().isAfter(now)) {
          scheduled++;
        }
      }
      long[] w = sorted(waits);
      long[] r = sorted(runs);
      Map<TaskStatus, Long> counts = b.counts.toMap();
      return new QueueStats(now, counts, scheduled, List.of(completed), List.of(failed),
          QueueStats.percentile(w, 50), QueueStats.percentile(w, 95),
          QueueStats.percentile(r, 50), QueueStats.percentile(r, 95));
    });
  }

  private static long[] sorted(List<Long> values) {
    long[] a = values.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    return a;
  }
}
