package io.ffmpegqueue.examples.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskOutput;
import java.util.List;

/**
 * A task's outputs over HTTP: a task with folder or sequence outputs may have thousands of stored files, so
 * its JSON lists the first {@value #LISTED} and gives {@code outputs_total}, and
 * {@code GET /ffmpeg/tasks/{id}/outputs?offset=&limit=} pages through all of them.
 */
final class OutputPages {
  /** How many outputs a task's JSON lists. */
  static final int LISTED = 100;
  /** The most outputs one page holds. */
  static final int MAX_PAGE = 1000;

  private OutputPages() {}

  /** The task's JSON with its {@code outputs} cut to the first {@value #LISTED}, and {@code outputs_total} when cut. */
  static ObjectNode listed(ObjectNode task, Task t) {
    if (t.outputs().size() > LISTED) {
      ArrayNode outputs = task.putArray("outputs");
      for (TaskOutput o : t.outputs().subList(0, LISTED)) {
        outputs.add(TaskJson.outputJson(o));
      }
      task.put("outputs_total", t.outputs().size());
    }
    return task;
  }

  /** One page of the task's outputs, in the task's order. */
  static ObjectNode page(Task t, int offset, int limit) {
    List<TaskOutput> all = t.outputs();
    ObjectNode n = TaskJson.mapper().createObjectNode();
    n.put("task_id", t.id().value());
    ArrayNode outputs = n.putArray("outputs");
    for (int i = offset; i < all.size() && i < (long) offset + limit; i++) {
      outputs.add(TaskJson.outputJson(all.get(i)));
    }
    n.put("outputs_total", all.size());
    n.put("offset", offset);
    n.put("limit", limit);
    return n;
  }
}
