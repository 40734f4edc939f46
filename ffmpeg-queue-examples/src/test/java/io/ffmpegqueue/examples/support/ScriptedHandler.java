package io.ffmpegqueue.examples.support;

import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.ffmpeg.Progress;
import io.ffmpegqueue.spi.TaskContext;
import io.ffmpegqueue.spi.TaskHandler;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A hand-written fake of the ffmpeg pipeline: completes a task at once with one fake stored object per
 * declared output. While holding, a task reports progress 0.5 and waits until {@link #release()} or until
 * it is stopped (cancel, shutdown); with {@link #holdBeforeProgress()} it first waits, silent, until
 * {@link #allowProgress()}.
 */
public final class ScriptedHandler implements TaskHandler {
  private volatile boolean holding;
  private volatile boolean progressHeld;
  private final Set<CountDownLatch> waiting = ConcurrentHashMap.newKeySet();
  private final AtomicInteger handled = new AtomicInteger();

  /** From now on, tasks wait after reporting progress 0.5. */
  public void hold() {
    holding = true;
  }

  /** From now on, tasks wait before reporting any progress, then as with {@link #hold()}. */
  public void holdBeforeProgress() {
    progressHeld = true;
    holding = true;
  }

  /** Lets waiting tasks report their progress (and then wait for {@link #release()}). */
  public void allowProgress() {
    progressHeld = false;
    waiting.forEach(CountDownLatch::countDown);
  }

  /** Lets every waiting task complete, and later ones complete at once. */
  public void release() {
    progressHeld = false;
    holding = false;
    waiting.forEach(CountDownLatch::countDown);
  }

  /** How many attempts were handled. */
  public int handled() {
    return handled.get();
  }

  @Override
  public List<TaskOutput> handle(TaskContext ctx) throws Exception {
    handled.incrementAndGet();
    if (holding) {
      waitWhile(ctx, () -> progressHeld);
      if (ctx.isStopped()) {
        return List.of();
      }
      ctx.reportProgress(Progress.ofFraction(0.5));
      waitWhile(ctx, () -> holding);
      if (ctx.isStopped()) {
        return List.of();
      }
    }
    ctx.reportProgress(Progress.ofFraction(1.0));
    List<TaskOutput> outputs = new ArrayList<>();
    for (String name : ctx.task().request().outputs()) {
      outputs.add(new TaskOutput(name, URI.create("mem:/" + ctx.task().id() + "/" + name), 1, null, null, null, null));
    }
    return outputs;
  }

  /** Waits while {@code blocked} holds and the task is not stopped; each change of state wakes the waiters. */
  private void waitWhile(TaskContext ctx, BooleanSupplier blocked) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (blocked.getAsBoolean() && !ctx.isStopped()) {
      CountDownLatch wake = new CountDownLatch(1);
      waiting.add(wake);
      Subscription onStop = ctx.onStop(wake::countDown);
      try {
        // Checked again after registering, so a change in between is not missed.
        if (blocked.getAsBoolean() && !ctx.isStopped()
            && !wake.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
          throw new IllegalStateException("a held test task was never released");
        }
      } finally {
        onStop.close();
        waiting.remove(wake);
      }
    }
  }
}
