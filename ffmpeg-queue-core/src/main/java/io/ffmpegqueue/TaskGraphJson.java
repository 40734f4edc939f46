package io.ffmpegqueue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** The task-graph fields of the task JSON ({@code depends_on}, {@code waiting_for}), for {@link TaskJson}. */
final class TaskGraphJson {
  private TaskGraphJson() {}

  /** Adds {@code depends_on} and {@code waiting_for} to a task that has dependencies; nothing to others. */
  static void write(ObjectNode n, Task t) {
    if (t.dependsOn().isEmpty()) {
      return;
    }
    ArrayNode depends = n.putArray("depends_on");
    t.dependsOn().forEach(id -> depends.add(id.value()));
    ArrayNode waiting = n.putArray("waiting_for");
    t.waitingFor().forEach(id -> waiting.add(id.value()));
  }

  /**
   * The task ids of a JSON array (none for a missing or null node).
   *
   * @throws InvalidTaskException naming {@code depends_on} when it is not an array of task ids
   */
  static List<TaskId> readIds(JsonNode array) {
    if (array == null || array.isNull()) {
      return List.of();
    }
    if (!array.isArray()) {
      throw new InvalidTaskException("depends_on", "must be an array of task ids");
    }
    List<TaskId> ids = new ArrayList<>(array.size());
    for (JsonNode v : array) {
      if (!v.isTextual()) {
        throw new InvalidTaskException("depends_on", "must hold task ids as strings, got " + v.getNodeType());
      }
      try {
        ids.add(TaskId.of(v.asText()));
      } catch (IllegalArgumentException e) {
        throw new InvalidTaskException("depends_on", e.getMessage());
      }
    }
    return ids;
  }
}
