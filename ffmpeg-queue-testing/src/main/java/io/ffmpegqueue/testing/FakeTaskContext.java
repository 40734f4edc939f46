package io.ffmpegqueue.testing;

import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import io.ffmpegqueue.ffmpeg.FfmpegJob;
import io.ffmpegqueue.ffmpeg.Progress;
import io.ffmpegqueue.spi.StopReason;
import io.ffmpegqueue.spi.TaskContext;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link TaskContext} for calling an {@link io.ffmpegqueue.ffmpeg.FfmpegRunner}, an
 * {@link io.ffmpegqueue.io.InputFetcher} or a {@link io.ffmpegqueue.spi.TaskHandler} of your own directly,
 * without a queue: it holds a pending task, records the progress reported, and stops when the test says so,
 * running the stop actions as the queue would.
 *
 * <pre>{@code
 * FakeTaskContext ctx = new FakeTaskContext(request);
 * myRunner.run(ctx.job(workspace));
 * assertEquals(1.0, ctx.progress().get(ctx.progress().size() - 1).fraction());
 *
 * FakeTaskContext stopped = new FakeTaskContext();
 * ... on another thread: stopped.stop(StopReason.CANCELLED);
 * }</pre>
 *
 * Its deadline is an hour after it was made. Thread-safe.
 */
public final class FakeTaskContext implements TaskContext {
  /** The task of {@link #FakeTaskContext()}: {@code -i input.mp4 output.mp4}, its input a {@code test:} URI. */
  public static final TaskRequest DEFAULT_REQUEST = TaskRequest.builder()
      .command("-i input.mp4 output.mp4")
      .input("input.mp4", URI.create("test://inputs/input.mp4"))
      .output("output.mp4")
      .build();

  private final Task task;
  private final Instant deadline;
  private final List<Progress> progress = new CopyOnWriteArrayList<>();
  private final List<Runnable> stopActions = new ArrayList<>();
  private volatile StopReason stopReason;

  /** A context for a pending task of {@link #DEFAULT_REQUEST}. */
  public FakeTaskContext() {
    this(DEFAULT_REQUEST);
  }

  /** A context for a pending task of {@code request}, with a random id. */
  public FakeTaskContext(TaskRequest request) {
    Instant now = Instant.now();
    this.task = Task.pending(TaskId.random(), Objects.requireNonNull(request, "request"), now);
    this.deadline = now.plus(Duration.ofHours(1));
  }

  /**
   * A job for this context's task in {@code workspace}: its command (parsed, not checked against a
   * policy), its declared inputs and outputs, and this context.
   */
  public FfmpegJob job(Path workspace) {
    TaskRequest r = task.request();
    return new FfmpegJob(FfmpegCommand.parse(r.command()), workspace, List.copyOf(r.inputs().keySet()),
        r.outputs(), this);
  }

  @Override
  public Task task() {
    return task;
  }

  /** Records {@code progress}; see {@link #progress()}. */
  @Override
  public void reportProgress(Progress progress) {
    this.progress.add(Objects.requireNonNull(progress, "progress"));
  }

  /** Every progress reported so far, in order. */
  public List<Progress> progress() {
    return List.copyOf(progress);
  }

  @Override
  public StopReason stopReason() {
    return stopReason;
  }

  @Override
  public Subscription onStop(Runnable action) {
    Objects.requireNonNull(action, "action");
    synchronized (stopActions) {
      if (stopReason == null) {
        stopActions.add(action);
        return () -> {
          synchronized (stopActions) {
            stopActions.remove(action);
          }
        };
      }
    }
    action.run(); // already stopped: at once, on the caller's thread
    return () -> { };
  }

  /**
   * Asks the task to stop, as a cancel, timeout or shutdown does: sets the reason and runs every registered
   * stop action once, on this thread. Stopping again changes nothing.
   */
  public void stop(StopReason reason) {
    Objects.requireNonNull(reason, "reason");
    List<Runnable> actions;
    synchronized (stopActions) {
      if (stopReason != null) {
        return;
      }
      stopReason = reason;
      actions = List.copyOf(stopActions);
    }
    actions.forEach(Runnable::run);
  }

  /** How many stop actions are registered and not closed: a step that ended cleanly leaves none. */
  public int stopActions() {
    synchronized (stopActions) {
      return stopActions.size();
    }
  }

  @Override
  public Instant deadline() {
    return deadline;
  }

  @Override
  public String toString() {
    return "FakeTaskContext[" + task.id() + (stopReason != null ? ", stopped: " + stopReason : "") + "]";
  }
}
