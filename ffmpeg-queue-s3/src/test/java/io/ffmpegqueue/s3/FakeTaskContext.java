package io.ffmpegqueue.s3;

import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.ffmpeg.Progress;
import io.ffmpegqueue.spi.StopReason;
import io.ffmpegqueue.spi.TaskContext;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A task context for calling a fetcher directly; {@link #stop} runs the stop actions as the queue would. */
final class FakeTaskContext implements TaskContext {
  private final Task task = Task.pending(TaskId.random(),
      TaskRequest.builder().command("-i in.mp4 out.mp4").output("out.mp4").build(), Instant.now());
  private final List<Runnable> onStop = new CopyOnWriteArrayList<>();
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
      return () -> {};
    }
    onStop.add(action);
    return () -> onStop.remove(action);
  }

  @Override
  public Instant deadline() {
    return Instant.now().plusSeconds(3600);
  }

  void stop(StopReason r) {
    reason = r;
    onStop.forEach(Runnable::run);
  }
}
