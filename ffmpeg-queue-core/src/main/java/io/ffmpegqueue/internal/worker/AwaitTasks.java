package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.TaskId;
import java.util.List;

/**
 * Thrown by a handler to end its attempt unfinished and run the task again once {@code tasks}, which it
 * enqueued, have completed ({@link io.ffmpegqueue.spi.Outcome.Await}). Not a failure: the worker records the
 * continuation, and the attempt is not counted.
 */
public final class AwaitTasks extends Exception {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // never serialized: the worker catches it in the same thread
  private final List<TaskId> tasks;

  /** The task waits for {@code tasks} (at least one). */
  public AwaitTasks(List<TaskId> tasks) {
    super("awaits " + tasks.size() + " tasks", null, false, false);
    this.tasks = List.copyOf(tasks);
  }

  /** The tasks to wait for. */
  public List<TaskId> tasks() {
    return tasks;
  }
}
