package io.ffmpegqueue.redis;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRejectedException;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.TenantLimits;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Enqueued;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The arguments of the enqueue, claim and finish scripts, and what the enqueue and claim scripts answer. */
final class ScriptArgs {
  private ScriptArgs() {}

  /** The enqueue script's arguments (see enqueue.lua); only the delay from {@code clock}'s now carries over. */
  static Object[] enqueue(Task task, int capacity, InstantSource clock) {
    TaskRequest r = task.request();
    long delay = Math.max(0, TaskHashes.micros(task.runAt()) - TaskHashes.micros(clock.instant()));
    return new Object[] {task.id().value(), r.idempotencyKey() == null ? "" : r.idempotencyKey(), capacity,
        TaskHashes.priorityKey(r.priority()), r.tenant() == null ? TenantLimits.NO_TENANT : r.tenant(),
        r.maxAttempts(), delay, TaskHashes.requestJson(task), TaskHashes.micros(task.runAt()),
        r.webhookUrl() == null ? "" : r.webhookUrl(), ids(r.dependsOn()), TaskHashes.createdKey(task.createdAt())};
  }

  /**
   * The task that the enqueue script's answer {@code r} stands for (see enqueue.lua).
   *
   * @throws TaskRejectedException {@code QUEUE_FULL} when the queue holds {@code capacity} pending tasks
   * @throws InvalidTaskException on {@code depends_on} naming a parent that is not stored, or the task itself
   */
  static Enqueued enqueued(Task task, List<?> r, int capacity) {
    long code = (Long) r.get(0);
    if (code == -1) {
      throw new TaskRejectedException(TaskRejectedException.Reason.QUEUE_FULL,
          "the queue is full: " + capacity + " tasks are pending; try again later", Duration.ofSeconds(1));
    }
    if (code == -2) {
      String parent = (String) r.get(1);
      // The in-memory backend's words.
      throw new InvalidTaskException("depends_on", parent.equals(task.id().value())
          ? "task '" + parent + "' is the task itself; a task cannot wait for itself"
          : "task '" + parent + "' does not exist (never submitted, or pruned)");
    }
    if (code == 1) {
      return new Enqueued(task.toBuilder().waitingFor(TaskHashes.waitingFor(task.dependsOn(), (String) r.get(1)))
          .build(), true);
    }
    return new Enqueued(TaskHashes.task(r.get(1)), code == 2); // 2: stored CANCELLED, a parent had failed
  }

  /** Task ids separated by spaces, as the scripts take and give them ({@code ""}: none). */
  static String ids(List<TaskId> ids) {
    StringBuilder b = new StringBuilder(ids.size() * 37);
    for (TaskId id : ids) {
      b.append(b.length() == 0 ? "" : " ").append(id.value());
    }
    return b.toString();
  }

  static Object[] claim(ClaimRequest request, List<Object> before) {
    List<Object> a = new ArrayList<>(before);
    a.add(request.workerId());
    a.add(request.maxTasks());
    a.add(request.leaseDuration().toMillis());
    Map<String, Integer> byTenant = new HashMap<>();
    request.tenantLimits().tenants().forEach((t, l) -> byTenant.put(t, l.maxRunning()));
    a.addAll(Scripts.limits(request.tenantLimits().defaults().maxRunning(), byTenant));
    return a.toArray();
  }

  /** The leases in a claim's answer: element {@code at} is the due time, the tasks follow. */
  static List<Lease> leases(List<?> r, int at, String workerId) {
    if (r.size() <= at + 1) {
      return List.of();
    }
    List<Lease> out = new ArrayList<>(r.size() - at - 1);
    for (int i = at + 1; i < r.size(); i++) {
      Map<String, String> h = TaskHashes.fields(r.get(i));
      Task t = TaskHashes.task(h);
      String before = h.get("ab"); // attempts of the series before a retry by hand (admin-retry.lua)
      int fence = t.attempt() + (before == null ? 0 : Integer.parseInt(before));
      out.add(new Lease(t, workerId, TaskHashes.instant(h.get("le")), fence));
    }
    return out;
  }

  /**
   * An attempt's end: the finish script's arguments (id, fencing token, kind, payload, delay in microseconds) and the
   * snapshot after it, but for what the server sets.
   */
  record Ending(List<Object> args, Task.Builder next) {
    /** The task after the end, with the server's run-at, finished-at and progress (finish.lua's answer). */
    Task after(List<?> serverFields) {
      String progress = text(serverFields.get(2));
      return next.runAt(TaskHashes.instant(text(serverFields.get(0))))
          .finishedAt(TaskHashes.instant(text(serverFields.get(1))))
          .progress(progress == null || progress.isEmpty() ? null : Double.valueOf(progress))
          .build();
    }
  }

  // A script's answer element as text: a field's value, or a number the script computed.
  private static String text(Object o) {
    return o == null ? null : o.toString();
  }

  static Ending ending(Lease lease, Outcome outcome, InstantSource clock) {
    Objects.requireNonNull(outcome, "outcome");
    if (outcome instanceof Outcome.Await) {
      // Its own script (RedisContinuations): refused before any write, never mistaken for a hand-back.
      throw new UnsupportedOperationException("Outcome.Await is not a finish of finish.lua (see RedisContinuations)");
    }
    Task.Builder next = lease.task().toBuilder();
    String kind;
    String payload = "";
    long delay = 0;
    if (outcome instanceof Outcome.Completed done) {
      kind = "COMPLETED";
      payload = TaskHashes.outputsJson(done.outputs());
      next.status(TaskStatus.COMPLETED).outputs(done.outputs()).error(null);
    } else if (outcome instanceof Outcome.Failed f) {
      kind = f.retryAt() == null ? "FAILED" : "RETRY";
      payload = TaskHashes.errorJson(f.error());
      next.status(f.retryAt() == null ? TaskStatus.FAILED : TaskStatus.PENDING).error(f.error());
      if (f.retryAt() != null) {
        // The worker's clock says when; the delay from its now is what carries over to the server's clock.
        delay = Math.max(0, TaskHashes.micros(f.retryAt()) - TaskHashes.micros(clock.instant()));
      }
    } else if (outcome instanceof Outcome.Cancelled c) {
      kind = "CANCELLED";
      TaskError e = TaskError.of(ErrorKind.CANCELLED, c.reason() == null ? "cancelled while running" : c.reason());
      payload = TaskHashes.errorJson(e);
      next.status(TaskStatus.CANCELLED).error(e);
    } else {
      kind = "RELEASED";
      next.status(TaskStatus.PENDING).attempt(lease.attempt() - 1); // a hand-back is not counted (finish-lib)
    }
    return new Ending(List.of(lease.taskId().value(), lease.fence(), kind, payload, delay), next);
  }
}
