package io.ffmpegqueue.memory;

import io.ffmpegqueue.TaskStatus;
import java.util.EnumMap;
import java.util.Map;

/** How many of the in-memory backend's tasks are in each status. Used under the backend's lock. */
final class StatusCounts {
  private final long[] counts = new long[TaskStatus.values().length];

  void add(TaskStatus s) {
    counts[s.ordinal()]++;
  }

  void remove(TaskStatus s) {
    counts[s.ordinal()]--;
  }

  void moved(TaskStatus from, TaskStatus to) {
    if (from != to) {
      counts[from.ordinal()]--;
      counts[to.ordinal()]++;
    }
  }

  long of(TaskStatus s) {
    return counts[s.ordinal()];
  }

  /** Every status, with its count. */
  Map<TaskStatus, Long> toMap() {
    Map<TaskStatus, Long> m = new EnumMap<>(TaskStatus.class);
    for (TaskStatus s : TaskStatus.values()) {
      m.put(s, counts[s.ordinal()]);
    }
    return m;
  }
}
