package io.ffmpegqueue;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The answer to a submission, given at once: the task's id and snapshot, and on demand a future of its
 * final state.
 *
 * <pre>{@code
 * Submission s = queue.submit(request);
 * String id = s.id().value();                       // answer the HTTP client now
 * s.completion().thenAccept(t -> notify(t.outputUrl()));  // or react when it ends
 * }</pre>
 */
public final class Submission {
  private final Task task;
  private final boolean created;
  private final Function<TaskId, CompletableFuture<Task>> completions;

  /**
   * For {@link FfmpegQueueClient} implementations.
   *
   * @param task the task as stored
   * @param created false when an earlier task with the same idempotency key was returned instead
   * @param completions gives the future of a task's final state
   */
  public Submission(Task task, boolean created, Function<TaskId, CompletableFuture<Task>> completions) {
    this.task = Objects.requireNonNull(task, "task");
    this.created = created;
    this.completions = Objects.requireNonNull(completions, "completions");
  }

  /** The task's id. */
  public TaskId id() {
    return task.id();
  }

  /** The task as it was stored (PENDING when new). */
  public Task task() {
    return task;
  }

  /** Whether the task is new; false when the idempotency key matched an earlier task. */
  public boolean created() {
    return created;
  }

  /**
   * A future of the task's final snapshot (COMPLETED, FAILED or CANCELLED). It completes on an event
   * thread, never on a worker. Made on first call, so submissions nobody waits on cost nothing.
   */
  public CompletableFuture<Task> completion() {
    return completions.apply(task.id());
  }

  @Override
  public String toString() {
    return "Submission[" + task.id() + ", " + task.status().wireName() + (created ? "" : ", existing") + "]";
  }
}
