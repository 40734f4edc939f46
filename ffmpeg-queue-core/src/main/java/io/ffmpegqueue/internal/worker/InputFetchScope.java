package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.ffmpeg.Progress;
import io.ffmpegqueue.spi.StopReason;
import io.ffmpegqueue.spi.TaskContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The context the downloads of one task's inputs share: stopped when the task is, and also when one of them
 * fails, so that the others give up at once instead of finishing downloads nobody will use. Internal: a
 * sibling's failure shows to the fetchers as {@link StopReason#CANCELLED}, and the pipeline reports the
 * failure itself.
 */
final class InputFetchScope implements TaskContext {
  private final TaskContext task;
  private final List<Runnable> actions = new ArrayList<>();
  private volatile boolean aborted;

  InputFetchScope(TaskContext task) {
    this.task = task;
  }

  /** Stops the other downloads: one failed. Runs their stop actions on this thread. */
  void abort() {
    List<Runnable> run;
    synchronized (this) {
      if (aborted) {
        return;
      }
      aborted = true;
      run = new ArrayList<>(actions);
      actions.clear();
    }
    run.forEach(Runnable::run);
  }

  @Override
  public Task task() {
    return task.task();
  }

  @Override
  public void reportProgress(Progress progress) {
    task.reportProgress(progress);
  }

  @Override
  public StopReason stopReason() {
    StopReason r = task.stopReason();
    return r != null ? r : aborted ? StopReason.CANCELLED : null;
  }

  @Override
  public Subscription onStop(Runnable action) {
    AtomicBoolean ran = new AtomicBoolean();
    Runnable once = () -> {
      if (ran.compareAndSet(false, true)) {
        action.run();
      }
    };
    Subscription outer = task.onStop(once);
    synchronized (this) {
      if (!aborted) {
        actions.add(once);
        return () -> {
          outer.close();
          synchronized (InputFetchScope.this) {
            actions.remove(once);
          }
        };
      }
    }
    once.run();
    return outer;
  }

  @Override
  public Instant deadline() {
    return task.deadline();
  }
}
