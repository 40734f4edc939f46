package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.spi.TaskContext;
import io.ffmpegqueue.spi.TaskHandler;
import java.util.List;

/**
 * Completes a join ({@link io.ffmpegqueue.TaskRequest#isJoin()}: a task with no command, made ready when all the
 * tasks it waits for completed) at once, with no outputs and no workspace, so that its events and webhook fire
 * like any task's; passes every other task to the handler it wraps.
 */
public final class JoinCompleter implements TaskHandler {
  private final TaskHandler next;

  /** Completes joins and passes other tasks to {@code next}. */
  public JoinCompleter(TaskHandler next) {
    this.next = next;
  }

  @Override
  public List<TaskOutput> handle(TaskContext context) throws Exception {
    if (context.task().request().isJoin()) {
      return List.of();
    }
    return next.handle(context);
  }
}
