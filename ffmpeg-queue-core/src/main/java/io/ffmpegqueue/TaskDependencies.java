package io.ffmpegqueue;

import io.ffmpegqueue.internal.submit.CompactInputs;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The checks of a request's {@code depends_on} and {@code task://} inputs, for {@link TaskRequest}. */
final class TaskDependencies {
  private TaskDependencies() {}

  /**
   * {@code named} with the task of every {@code task://} input added after them, without duplicates.
   *
   * @throws InvalidTaskException naming {@code depends_on} or {@code input_files}
   */
  static List<TaskId> copy(List<TaskId> named, Map<String, URI> inputs) {
    boolean noneNamed = named == null || named.isEmpty();
    if (noneNamed && inputs instanceof CompactInputs) {
      // The stored form of a checked request: its task:// inputs are in that request's dependencies already,
      // and a request without dependencies has none (the queue keeps dependsOn when it stores a request).
      return List.of();
    }
    Set<TaskId> all = new LinkedHashSet<>();
    if (!noneNamed) {
      for (TaskId id : named) {
        if (id == null) {
          throw new InvalidTaskException("depends_on", "must not hold null");
        }
        all.add(id);
      }
    }
    if (!(inputs instanceof CompactInputs)) {
      inputs.forEach((name, uri) -> {
        try {
          TaskOutputRef.parse(uri).ifPresent(ref -> {
            InputFolders.checkRef(name, ref);
            all.add(ref.task());
          });
        } catch (IllegalArgumentException e) {
          throw new InvalidTaskException("input_files", "'" + name + "' URL " + e.getMessage());
        }
      });
    }
    if (all.size() > TaskRequest.MAX_DEPENDENCIES) {
      throw new InvalidTaskException(
          "depends_on", "has " + all.size() + " tasks, more than " + TaskRequest.MAX_DEPENDENCIES);
    }
    return List.copyOf(all);
  }

  /** A join (no command) reads and writes nothing. */
  static void checkJoin(Map<String, URI> inputs, List<String> outputs) {
    if (!inputs.isEmpty()) {
      throw new InvalidTaskException("input_files", "must be empty for a task with no command (a join)");
    }
    if (outputs != null && !outputs.isEmpty()) {
      throw new InvalidTaskException("output_files", "must be empty for a task with no command (a join)");
    }
  }
}
