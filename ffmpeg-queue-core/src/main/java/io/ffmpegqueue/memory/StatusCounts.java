package io.ffmpegqueue.memory;

import io.ffmpegqueue.TaskStatus;
import java.util.EnumMap;
import java.util.Map;

/** The in-memory backend's count of tasks by status, kept as tasks move. Used under the backend's lock. */
final class StatusCounts {
  private final long[] counts = new long[TaskStatus.values().length];

  long get(TaskStatus status) {
    return counts[status.ordinal()];
  }

  void add(TaskStatus status, int delta) {
    counts[status.ordinal()] += delta;
  }

  void moved(TaskStatus from, TaskStatus to) {
    if (from != to) {
      counts[from.ordinal()]--;
      counts[to.ordinal()]++;
    }
  }

  /** Every status with its count. */
  Map<TaskStatus, Long> snapshot() {
    Map<TaskStatus, Long> m = new EnumMap<>(TaskStatus.class);
    for (TaskStatus s : TaskStatus.values()) {
      m.put(s, counts[s.ordinal()]);
    }
    return m;
  }
}
