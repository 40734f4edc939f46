package io.ffmpegqueue.memory;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

/**
 * A page of the in-memory backend's tasks: running ones, then pending ones (ready by priority and
 * submission order, then delayed by run time, then waiting for other tasks), then final ones newest first. Used under the backend's lock.
 */
final class TaskListing {
  private final TaskQuery query;
  private final List<Task> page;
  private int skip;

  private TaskListing(TaskQuery query) {
    this.query = query;
    this.page = new ArrayList<>(Math.min(query.limit(), 64));
    this.skip = query.offset();
  }

  static List<Task> page(TaskQuery query, Collection<Entry> running, TenantTurns ready, DelayedTasks delayed,
      Collection<Entry> waiting, Iterator<Entry> finishedNewestFirst) {
    TaskListing l = new TaskListing(query);
    TaskStatus s = query.status();
    if (s == null || s == TaskStatus.RUNNING) {
      l.collect(running.iterator(), null);
    }
    if (s == null || s == TaskStatus.PENDING) {
      for (List<ArrayDeque<Entry>> level : ready.readyLevels().values()) {
        l.collect(ReadyMerge.bySeq(level, e -> e.seq), TaskStatus.PENDING);
      }
      l.collect(delayed.inOrder().iterator(), TaskStatus.PENDING);
      l.collect(waiting.iterator(), TaskStatus.PENDING);
    }
    if (s == null || s.isFinal()) {
      l.collect(finishedNewestFirst, s);
    }
    return l.page;
  }

  private void collect(Iterator<Entry> it, TaskStatus status) {
    while (it.hasNext() && page.size() < query.limit()) {
      Task t = it.next().task;
      if ((status != null && t.status() != status) || !query.matches(t)) {
        continue;
      }
      if (skip > 0) {
        skip--;
      } else {
        page.add(t);
      }
    }
  }
}
