package io.ffmpegqueue.amqp;

import com.fasterxml.jackson.databind.JsonNode;
import io.ffmpegqueue.FfmpegQueueClient;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Celery's {@code AsyncResult.revoke()}: the client broadcasts {@code {"method": "revoke", "arguments":
 * {"task_id": ...}}} on the {@code celery.pidbox} fanout exchange, and every worker gets it. This process
 * cancels the tasks it registered from Celery messages and that have not ended; an id it has not seen yet
 * is remembered (the last {@value #REMEMBERED}), and its task is cancelled as soon as its message arrives.
 */
final class RevokedTasks implements TaskListener {
  private static final Logger log = LoggerFactory.getLogger(RevokedTasks.class);
  static final int REMEMBERED = 10_000;

  private final FfmpegQueueClient client;
  private final Map<String, TaskId> live = new ConcurrentHashMap<>();
  private final Set<String> revoked = Collections.synchronizedSet(Collections.newSetFromMap(
      new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED;
        }
      }));

  RevokedTasks(FfmpegQueueClient client) {
    this.client = client;
  }

  /** Remembers the task of a Celery id until it ends. */
  void track(String celeryId, TaskId task) {
    live.put(celeryId, task);
  }

  /** Whether a revoke for {@code celeryId} came in. */
  boolean isRevoked(String celeryId) {
    return revoked.contains(celeryId);
  }

  /** How many Celery tasks of this process have not ended. */
  int tracked() {
    return live.size();
  }

  @Override
  public void onEvent(TaskEvent e) {
    if (e.type().isFinal()) {
      String id = e.task().request().metadata().get(CeleryReplies.ID_KEY);
      if (id != null) {
        live.remove(id);
      }
    }
  }

  /** Handles one control message from the pidbox exchange; other methods than revoke are ignored. */
  void onControl(byte[] body) {
    JsonNode n;
    try {
      n = TaskJson.mapper().readTree(body);
    } catch (IOException e) {
      log.debug("ignored a control message that is not JSON");
      return;
    }
    if (n == null || !"revoke".equals(n.path("method").asText())) {
      return;
    }
    JsonNode ids = n.path("arguments").path("task_id");
    List<String> list = new ArrayList<>();
    if (ids.isArray()) {
      ids.forEach(i -> list.add(i.asText()));
    } else if (ids.isTextual()) {
      list.add(ids.asText());
    }
    for (String id : list) {
      revoked.add(id);
      TaskId task = live.get(id);
      if (task != null) {
        log.info("Celery task {} revoked: cancelling task {}", id, task);
        client.cancel(task);
      }
    }
  }
}
