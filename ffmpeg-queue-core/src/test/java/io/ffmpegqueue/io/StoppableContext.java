package io.ffmpegqueue.io;

import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.ffmpeg.Progress;
import io.ffmpegqueue.spi.StopReason;
import io.ffmpegqueue.spi.TaskContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A hand-written task context whose stop signal a test pulls. */
final class StoppableContext implements TaskContext {
  private final Task task = Task.pending(TaskId.random(),
      TaskRequest.builder().command("-i in.mp4 out.mp4").output("out.mp4").build(), Instant.now());
  private final List<Runnable> actions = new CopyOnWriteArrayList<>();
  private volatile StopReason reason;

  @Override
  public Task task() {
    return task;
  }

  @Override
  public void reportProgress(Progress progress) {}

  @Override
  public StopReason stopReason() {
    return reason;
  }

  @Override
  public Subscription onStop(Runnable action) {
    if (reason != null) {
      action.run();
      return () -> { };
    }
    actions.add(action);
    return () -> actions.remove(action);
  }

  @Override
  public Instant deadline() {
    return Instant.now().plus(Duration.ofHours(1));
  }

  /** Stops the task, running the stop actions on this thread. */
  void stop(StopReason why) {
    reason = why;
    actions.forEach(Runnable::run);
  }

  /** How many stop actions are registered (a finished fetch leaves none). */
  int stopActions() {
    return actions.size();
  }
}
