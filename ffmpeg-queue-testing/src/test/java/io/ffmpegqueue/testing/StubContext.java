package io.ffmpegqueue.testing;

import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.ffmpeg.Progress;
import io.ffmpegqueue.spi.StopReason;
import io.ffmpegqueue.spi.TaskContext;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A task context for running the fake runner alone: records progress, stops on demand. */
final class StubContext implements TaskContext {
  final Task task;
  final List<Double> progress = new CopyOnWriteArrayList<>();
  private final List<Runnable> stopActions = new ArrayList<>();
  private volatile StopReason stopReason;

  StubContext() {
    TaskRequest r = TaskRequest.builder().command("-i input.mp4 -vf scale=640:-2 output.mp4 thumb.jpg")
        .input("input.mp4", URI.create("test://in/input.mp4")).output("output.mp4").output("thumb.jpg").build();
    this.task = Task.pending(TaskId.random(), r, Instant.now());
  }

  @Override
  public Task task() {
    return task;
  }

  @Override
  public void reportProgress(Progress p) {
    progress.add(p.fraction());
  }

  @Override
  public StopReason stopReason() {
    return stopReason;
  }

  void stop(StopReason reason) {
    List<Runnable> actions;
    synchronized (this) {
      stopReason = reason;
      actions = List.copyOf(stopActions);
    }
    actions.forEach(Runnable::run);
  }

  @Override
  public synchronized Subscription onStop(Runnable action) {
    if (stopReason != null) {
      action.run();
      return () -> { };
    }
    stopActions.add(action);
    return () -> {
      synchronized (StubContext.this) {
        stopActions.remove(action);
      }
    };
  }

  @Override
  public Instant deadline() {
    return Instant.MAX;
  }
}
