package io.ffmpegqueue.testing;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.OutputName;
import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import io.ffmpegqueue.ffmpeg.FfmpegJob;
import io.ffmpegqueue.ffmpeg.FfmpegResult;
import io.ffmpegqueue.ffmpeg.FfmpegRunner;
import io.ffmpegqueue.ffmpeg.Progress;
import io.ffmpegqueue.spi.StopReason;
import io.ffmpegqueue.spi.TaskContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link FfmpegRunner} that runs no ffmpeg: each run plays the next {@linkplain #enqueue enqueued}
 * {@link FakeOutcome} (or the {@linkplain #defaultOutcome default}, a success) and records the job, so a
 * test can assert on the command a task ran with. Scripted like OkHttp's {@code MockWebServer}:
 *
 * <pre>{@code
 * FakeFfmpegRunner ffmpeg = new FakeFfmpegRunner();
 * ffmpeg.enqueue(FakeOutcome.fail(1, "Invalid data found when processing input"));
 * ... submit a task and run it ...
 * assertEquals(List.of("-i", "input.mp4", "-vf", "scale=640:-2", "output.mp4"),
 *     ffmpeg.takeCommand().arguments());
 * }</pre>
 *
 * A declared folder ({@code "hls/"}) gets two segments and a playlist naming them, a numbered pattern
 * ({@code "thumb_%03d.jpg"}) two numbered files, a declared {@code .m3u8} inside a folder a playlist of that
 * folder's segments, so media tasks run through the queue's upload path without ffmpeg.
 *
 * Thread-safe.
 */
public final class FakeFfmpegRunner implements FfmpegRunner {
  /** How long {@link #takeJob()} and {@link #takeCommand()} wait. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final BlockingQueue<FakeOutcome> outcomes = new LinkedBlockingQueue<>();
  private final BlockingQueue<FfmpegJob> jobs = new LinkedBlockingQueue<>();
  private final AtomicInteger runs = new AtomicInteger();
  private volatile FakeOutcome defaultOutcome = FakeOutcome.succeed();

  /** A runner with no outcome enqueued: every run succeeds. */
  public FakeFfmpegRunner() {}

  /** Plays {@code outcome} on a coming run: outcomes are played in the order enqueued, one per run. */
  public FakeFfmpegRunner enqueue(FakeOutcome outcome) {
    outcomes.add(Objects.requireNonNull(outcome, "outcome"));
    return this;
  }

  /** Plays {@code outcome} on every run that finds no enqueued outcome. Default {@link FakeOutcome#succeed()}. */
  public FakeFfmpegRunner defaultOutcome(FakeOutcome outcome) {
    this.defaultOutcome = Objects.requireNonNull(outcome, "outcome");
    return this;
  }

  /** How many runs have started so far. */
  public int runCount() {
    return runs.get();
  }

  /** How many enqueued outcomes no run has played yet. */
  public int pendingOutcomes() {
    return outcomes.size();
  }

  /** {@link #takeJob(Duration)} with {@link #DEFAULT_TIMEOUT}. */
  public FfmpegJob takeJob() {
    return takeJob(DEFAULT_TIMEOUT);
  }

  /**
   * The oldest job not taken yet, waiting for a run to start if there is none. A job is recorded when its
   * run starts, so a hanging run's job can be taken while it hangs. Its workspace is gone once the run ended.
   *
   * @throws AssertionError when no run starts within {@code timeout}
   */
  public FfmpegJob takeJob(Duration timeout) {
    try {
      FfmpegJob job = jobs.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (job == null) {
        throw new AssertionError("no ffmpeg run started within " + timeout.toMillis() + " ms (runs so far: "
            + runs.get() + ", all taken)");
      }
      return job;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for an ffmpeg run", e);
    }
  }

  /** {@link #takeCommand(Duration)} with {@link #DEFAULT_TIMEOUT}. */
  public FfmpegCommand takeCommand() {
    return takeCommand(DEFAULT_TIMEOUT);
  }

  /**
   * The command of the oldest job not taken yet (its {@code arguments()}, without the program name):
   * {@code takeJob(timeout).command()}.
   *
   * @throws AssertionError when no run starts within {@code timeout}
   */
  public FfmpegCommand takeCommand(Duration timeout) {
    return takeJob(timeout).command();
  }

  /** False: the fake never opens its inputs, so it always gets whole files that a test can look at. */
  @Override
  public boolean readsGrowingInputs() {
    return false;
  }

  @Override
  public FfmpegResult run(FfmpegJob job) {
    runs.incrementAndGet();
    jobs.add(job);
    FakeOutcome outcome = outcomes.poll();
    if (outcome == null) {
      outcome = defaultOutcome;
    }
    TaskContext ctx = job.context();
    for (FakeOutcome.Step step : outcome.steps) {
      stopIfAsked(ctx);
      if (step.resume() == null) {
        ctx.reportProgress(Progress.ofFraction(step.fraction()));
      } else {
        waitFor(ctx, step.resume(), outcome.hangLimit);
      }
    }
    stopIfAsked(ctx);
    return switch (outcome.kind) {
      case SUCCEED -> succeed(job, outcome);
      case FAIL -> throw copy(outcome.failure);
      case HANG -> {
        waitFor(ctx, null, outcome.hangLimit);
        throw killed(ctx.stopReason());
      }
    };
  }

  private static FfmpegResult succeed(FfmpegJob job, FakeOutcome o) {
    for (String name : o.outputs.keySet()) {
      declared(name, job);
    }
    o.copies.forEach((name, input) -> {
      declared(name, job);
      if (!job.inputs().contains(input)) {
        throw new IllegalStateException("the FakeOutcome copies input '" + input + "' to output '" + name
            + "', but the task declares only the inputs " + job.inputs());
      }
    });
    for (String name : job.outputs()) {
      if (o.missing.contains(name)) {
        continue;
      }
      Path file = job.workspace().resolve(name);
      String input = o.copies.get(name);
      try {
        OutputName declared = OutputName.parse(name);
        if (!declared.isBareFile() && input == null && !o.outputs.containsKey(name)) {
          FakeMediaOutputs.write(job.workspace(), declared, job.outputs(),
              o.content != null ? o.content : FakeOutcome.defaultContent(name));
        } else if (input != null) {
          copyInput(job.workspace().resolve(input), file, input);
        } else {
          byte[] bytes = o.outputs.get(name);
          Files.write(file, bytes != null ? bytes : o.content != null ? o.content : FakeOutcome.defaultContent(name));
        }
      } catch (IOException e) {
        throw new TaskFailureException(ErrorKind.FFMPEG, "fake ffmpeg could not write output '" + name + "': "
            + e.getMessage(), false, null, e);
      }
    }
    return new FfmpegResult(Map.copyOf(o.media), Duration.ZERO);
  }

  private static void declared(String output, FfmpegJob job) {
    if (!job.outputs().contains(output)) {
      throw new IllegalStateException("the FakeOutcome writes output '" + output + "', but the task declares only "
          + job.outputs());
    }
  }

  private static void copyInput(Path from, Path to, String input) throws IOException {
    if (!Files.isRegularFile(from)) {
      throw new TaskFailureException(ErrorKind.FFMPEG, "fake ffmpeg found no input '" + input
          + "' in the workspace to copy", false);
    }
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Waits until {@code resume} completes (never, when null: a hang) or the task is stopped, for at most
   * {@code limit}; a stop ends the run as a killed ffmpeg.
   */
  private static void waitFor(TaskContext ctx, CompletionStage<?> resume, Duration limit) {
    CountDownLatch wake = new CountDownLatch(1);
    if (resume != null) {
      resume.whenComplete((v, e) -> wake.countDown());
    }
    Subscription s = ctx.onStop(wake::countDown);
    try {
      if (!wake.await(limit.toNanos(), TimeUnit.NANOSECONDS)) {
        String how = "cancel it, or pass its timeout on the clock and tick, or close the queue";
        throw new IllegalStateException("FakeFfmpegRunner: the run of task " + ctx.task().id() + (resume == null
            ? " hung for " + limit.toSeconds() + " s and nobody stopped it (" + how + ")"
            : " paused for " + limit.toSeconds() + " s and nobody resumed it (complete the stage given to"
                + " withPauseUntil) or stopped it (" + how + ")"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw killed(StopReason.SHUTDOWN);
    } finally {
      s.close();
    }
    stopIfAsked(ctx);
  }

  private static void stopIfAsked(TaskContext ctx) {
    if (ctx.isStopped()) {
      throw killed(ctx.stopReason());
    }
  }

  // The queue records the stop's reason, not this failure; it only ends the run as a killed ffmpeg would.
  private static TaskFailureException killed(StopReason reason) {
    return new TaskFailureException(ErrorKind.KILLED, "ffmpeg was stopped (" + reason + ")", false);
  }

  // A fresh exception per run: one outcome object may be played many times, as the default.
  private static TaskFailureException copy(TaskFailureException f) {
    return new TaskFailureException(f.kind(), f.getMessage(), f.retryable(), f.stderrTail(), f.getCause());
  }

  @Override
  public String toString() {
    return "FakeFfmpegRunner[runs=" + runs.get() + ", enqueued=" + outcomes.size() + "]";
  }
}
