package io.ffmpegqueue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ffmpegqueue.internal.split.SplitParts;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code split} field of a split task's JSON, for {@link TaskJson}: its segment length, and once it has split,
 * its video parts (the audio part and any task it was submitted after are not counted), how many have completed,
 * and the share of their work done.
 */
final class SplitJson {
  private SplitJson() {}

  /**
   * Adds {@code split} to {@code n}; the task's progress to show: while it waits for its parts, the share of their
   * work done (each part weighted by its duration, a running part counted by its own progress), else its own.
   *
   * @param tasks finds the parts; {@code null} to show the segment length alone
   */
  static Double write(ObjectNode n, Task t, Function<TaskId, Optional<Task>> tasks) {
    ObjectNode split = n.putObject("split").put("segment_seconds", t.request().split().segmentSeconds());
    if (tasks == null || t.dependsOn().isEmpty()) {
      return t.progress();
    }
    int parts = 0;
    int completed = 0;
    double total = 0;
    double done = 0;
    for (TaskId id : t.dependsOn()) {
      Task p = tasks.apply(id).orElse(null);
      Map<String, String> m = p == null ? Map.of() : p.request().metadata();
      String duration = m.get(SplitParts.DURATION);
      if (!t.id().value().equals(m.get(SplitParts.SPLIT_OF)) || duration == null) {
        continue; // not one of its video parts
      }
      double w = Double.parseDouble(duration);
      parts++;
      total += w;
      if (p.status() == TaskStatus.COMPLETED) {
        completed++;
        done += w;
      } else if (p.status() == TaskStatus.RUNNING && p.progress() != null) {
        done += w * Math.max(0, Math.min(1, p.progress()));
      }
    }
    if (parts == 0) {
      return t.progress();
    }
    split.put("parts", parts).put("parts_completed", completed);
    // Boxed on purpose: a ternary of double and Double unboxes the task's own progress, null once it ended.
    return t.status() == TaskStatus.PENDING && t.progress() == null && total > 0 ? Double.valueOf(done / total)
        : t.progress();
  }
}
