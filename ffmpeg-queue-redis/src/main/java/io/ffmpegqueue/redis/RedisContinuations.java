package io.ffmpegqueue.redis;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.redis.Scripts.Script;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.LeaseLostException;
import io.ffmpegqueue.spi.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Outcome.Await} on Redis ({@link io.ffmpegqueue.spi.TaskContinuations}): one script, {@code await.lua},
 * that checks the lease (the fencing token, as every finish does), checks the awaited tasks, adds them to the
 * task's parents as an enqueue adds parents, gives the attempt back, and leaves the task waiting, ready, or (when
 * a cancel was asked for while it ran) CANCELLED together with the tasks it awaited.
 */
final class RedisContinuations {
  private static final String CANCELLED_RUNNING = TaskHashes.errorJson(
      TaskError.of(ErrorKind.CANCELLED, "cancelled while running"));
  private static final String CANCELLED_PENDING = TaskHashes.errorJson(
      TaskError.of(ErrorKind.CANCELLED, "cancelled before it started"));

  private final Scripts scripts;
  private final WakeUps wakeUps;

  RedisContinuations(Scripts scripts, WakeUps wakeUps) {
    this.scripts = scripts;
    this.wakeUps = wakeUps;
  }

  /**
   * Ends {@code lease}'s attempt waiting for {@code await}'s tasks; the task after.
   *
   * @throws LeaseLostException when the lease is not current (nothing changed)
   * @throws InvalidTaskException on {@code depends_on} for an awaited task that is not stored, or the task itself
   */
  Task finish(Lease lease, Outcome.Await await) {
    Task running = lease.task();
    List<TaskId> more = new ArrayList<>();
    for (TaskId id : await.tasks()) {
      if (!running.dependsOn().contains(id) && !more.contains(id)) {
        more.add(id);
      }
    }
    Task pending = new Task(running.id(), running.request().toBuilder().after(more).build(), running.status(),
        running.attempt(), null, running.outputs(), running.error(), running.createdAt(), running.runAt(),
        running.startedAt(), null, List.of());
    List<?> r = scripts.list(Script.AWAIT, lease.taskId().value(), lease.fence(), ScriptArgs.ids(more),
        TaskHashes.requestJson(pending), CANCELLED_RUNNING, CANCELLED_PENDING);
    if (r.isEmpty()) {
      throw new LeaseLostException(lease.taskId(), lease.attempt());
    }
    if ((Long) r.get(0) == -2) {
      String id = (String) r.get(1);
      // The in-memory backend's words.
      throw new InvalidTaskException("depends_on", id.equals(lease.taskId().value())
          ? "task '" + id + "' is the task itself; a task cannot wait for itself"
          : "task '" + id + "' does not exist (never submitted, or pruned)");
    }
    wakeUps.wakeAll(); // its tenant's running count fell; it may be ready
    return TaskHashes.task(r.get(1));
  }
}
