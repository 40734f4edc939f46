package io.ffmpegqueue.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ffmpegqueue.FfmpegQueueException;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tasks to Redis hashes and back. A task's hash holds the task as submitted in {@link TaskJson} form
 * ({@code req}, written once) and its state in short fields that the scripts change: {@code st} status,
 * {@code at} attempt, {@code pg} progress ({@code ""}: none), {@code out} outputs and {@code err} error (TaskJson fragments),
 * {@code run}, {@code sa}, {@code fa} and {@code le} (run-at, started, finished, lease expiry: microseconds on
 * the server's clock), {@code rk} its ready-set member, {@code tn} tenant, {@code ma} most attempts,
 * {@code ik} idempotency key, {@code wk} worker, {@code cx} cancel requested, {@code wh} webhook URL (absent:
 * none; its delivery is stored when the task ends, see {@link WebhookDeliveries}), {@code ck} its member of the
 * {@code created} index ({@link RedisTaskAdmin}), {@code wt} waiting and {@code hd} the children that have not ended
 * (graph-lib.lua), {@code ab} the attempts of the series before the last retry by hand (admin-retry.lua; a
 * lease's fencing token is {@code ab + at}). The scripts' snapshots add {@code wf}, the parents a waiting task still waits for, separated by
 * spaces.
 */
final class TaskHashes {
  // Carries outputs and errors through TaskJson, so their stored form is exactly TaskJson's.
  private static final Task CARRIER = Task.pending(
      TaskId.of("carrier"), TaskRequest.builder().command("-version").output("out").build(), Instant.EPOCH);
  // State that the hash's own fields hold: left out of the request JSON.
  private static final List<String> STATE_FIELDS = List.of("status", "output_url", "error_message", "attempts",
      "progress", "outputs", "error", "run_at", "started_at", "finished_at", "waiting_for");

  private TaskHashes() {}

  /** The task as submitted, in TaskJson form without the state fields. */
  static String requestJson(Task task) {
    ObjectNode n = TaskJson.toJson(task);
    n.remove(STATE_FIELDS);
    return n.toString();
  }

  /** Outputs as a TaskJson {@code outputs} array. */
  static String outputsJson(List<TaskOutput> outputs) {
    if (outputs.isEmpty()) {
      return "[]";
    }
    return TaskJson.toJson(CARRIER.toBuilder().outputs(outputs).build()).get("outputs").toString();
  }

  /** An error as a TaskJson {@code error} object. */
  static String errorJson(TaskError error) {
    return TaskJson.toJson(CARRIER.toBuilder().error(error).build()).get("error").toString();
  }

  /** A priority as 8 hex digits that sort as the numbers do (lower first). */
  static String priorityKey(int priority) {
    return String.format("%08x", priority ^ Integer.MIN_VALUE);
  }

  /** Microseconds since the epoch. */
  static long micros(Instant i) {
    return Math.multiplyExact(i.getEpochSecond(), 1_000_000L) + i.getNano() / 1000;
  }

  /**
   * A creation time as 16 hex digits of microseconds: the start of a task's member in the {@code created} index
   * (then its id), so that the index's byte order is the order of {@code TaskCursor}.
   */
  static String createdKey(Instant createdAt) {
    return String.format("%016x", micros(createdAt));
  }

  static Instant instant(String micros) {
    if (micros == null) {
      return null;
    }
    long us = Long.parseLong(micros);
    return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000L);
  }

  /** A flat HGETALL answer (field, value, field, value...) as a map. */
  static Map<String, String> fields(Object reply) {
    List<?> flat = (List<?>) reply;
    Map<String, String> m = new HashMap<>(flat.size());
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      m.put((String) flat.get(i), (String) flat.get(i + 1));
    }
    return m;
  }

  /** The task of a flat HGETALL answer, or {@code null} when it is empty (no such task). */
  static Task task(Object reply) {
    Map<String, String> h = fields(reply);
    return h.isEmpty() ? null : task(h);
  }

  /** The snapshot a task's hash holds. */
  static Task task(Map<String, String> h) {
    ObjectNode n;
    try {
      n = (ObjectNode) TaskJson.mapper().readTree(h.get("req"));
      n.put("status", "pending");
      if (h.get("out") != null) {
        n.set("outputs", TaskJson.mapper().readTree(h.get("out")));
      }
      if (h.get("err") != null) {
        n.set("error", TaskJson.mapper().readTree(h.get("err")));
      }
    } catch (JsonProcessingException | ClassCastException | NullPointerException e) {
      throw new FfmpegQueueException("Redis: a task hash does not hold task JSON (" + e + ")", e);
    }
    String progress = h.get("pg");
    Task t = TaskJson.fromJson(n);
    return t.toBuilder()
        .status(TaskStatus.valueOf(h.get("st")))
        .attempt(Integer.parseInt(h.get("at")))
        .progress(progress == null || progress.isEmpty() ? null : Double.valueOf(progress))
        .runAt(instant(h.get("run")))
        .startedAt(instant(h.get("sa")))
        .finishedAt(instant(h.get("fa")))
        .waitingFor(waitingFor(t.dependsOn(), h.get("wf")))
        .build();
  }

  /** The parents of {@code dependsOn} that are in {@code waiting} (ids separated by spaces, or null), in order. */
  static List<TaskId> waitingFor(List<TaskId> dependsOn, String waiting) {
    if (waiting == null || waiting.isEmpty()) {
      return List.of();
    }
    Set<String> w = Set.of(waiting.split(" "));
    return dependsOn.stream().filter(id -> w.contains(id.value())).toList();
  }

  /** Every status's count from counts.lua's answer (PENDING, RUNNING, COMPLETED, FAILED, CANCELLED). */
  static Map<TaskStatus, Long> counts(List<?> r) {
    Map<TaskStatus, Long> m = new EnumMap<>(TaskStatus.class);
    TaskStatus[] order = {TaskStatus.PENDING, TaskStatus.RUNNING, TaskStatus.COMPLETED, TaskStatus.FAILED,
        TaskStatus.CANCELLED};
    for (TaskStatus s : TaskStatus.values()) {
      m.put(s, 0L);
    }
    for (int i = 0; i < order.length; i++) {
      m.put(order[i], (Long) r.get(i));
    }
    return m;
  }

  /** The tasks of a list of flat HGETALL answers, from {@code from} on. */
  static List<Task> tasks(List<?> replies, int from) {
    List<Task> out = new ArrayList<>(Math.max(0, replies.size() - from));
    for (int i = from; i < replies.size(); i++) {
      Task t = task(replies.get(i));
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }
}
