package io.ffmpegqueue.testing;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.ffmpeg.MediaInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * What one run of the {@link FakeFfmpegRunner} does: succeed (writing each declared output), fail as
 * ffmpeg fails (an exit code and stderr), or hang until the task is stopped. Before it ends, a run may
 * report progress steps and pause until the test lets it go on. Immutable: the {@code with...} methods
 * return a new outcome.
 *
 * <pre>{@code
 * runner.enqueue(FakeOutcome.succeed().withOutput("thumb.jpg", jpegBytes).withProgress(0.5, 1.0));
 * runner.enqueue(FakeOutcome.succeed().withOutputCopiedFrom("output.mp4", "input.mp4"));
 * runner.enqueue(FakeOutcome.fail(1, "Unknown encoder 'libx265'"));
 * runner.enqueue(FakeOutcome.hang());
 * runner.enqueue(FakeOutcome.succeed().withProgress(0.5).withPauseUntil(resume)); // resume.complete(null) ends it
 * }</pre>
 */
public final class FakeOutcome {
  /**
   * How long {@link #hang()}, or a {@linkplain #withPauseUntil pause}, waits before it gives up and fails
   * the run, so a test never hangs.
   */
  public static final Duration DEFAULT_HANG_LIMIT = Duration.ofSeconds(60);

  enum Kind { SUCCEED, FAIL, HANG }

  /** One step before the end: a progress fraction, or a pause until {@code resume} completes. */
  record Step(double fraction, CompletionStage<?> resume) {
    @Override
    public String toString() {
      return resume == null ? "progress " + fraction : "pause";
    }
  }

  final Kind kind;
  final byte[] content; // for outputs without their own; null: defaultContent(name)
  final Map<String, byte[]> outputs;
  final Map<String, String> copies; // output name -> the input it is copied from
  final Set<String> missing;
  final Map<String, MediaInfo> media;
  final List<Step> steps;
  final TaskFailureException failure;
  final Duration hangLimit;

  private FakeOutcome(Kind kind, byte[] content, Map<String, byte[]> outputs, Map<String, String> copies,
      Set<String> missing, Map<String, MediaInfo> media, List<Step> steps, TaskFailureException failure,
      Duration hangLimit) {
    this.kind = kind;
    this.content = content;
    this.outputs = outputs;
    this.copies = copies;
    this.missing = missing;
    this.media = media;
    this.steps = steps;
    this.failure = failure;
    this.hangLimit = hangLimit;
  }

  private static FakeOutcome of(Kind kind, TaskFailureException failure) {
    return new FakeOutcome(kind, null, Map.of(), Map.of(), Set.of(), Map.of(), List.of(), failure, DEFAULT_HANG_LIMIT);
  }

  /** Succeeds, writing {@link #defaultContent(String)} to every declared output. */
  public static FakeOutcome succeed() {
    return of(Kind.SUCCEED, null);
  }

  /** Succeeds, writing {@code content} to every declared output. */
  public static FakeOutcome succeed(byte[] content) {
    FakeOutcome o = succeed();
    return new FakeOutcome(o.kind, content.clone(), o.outputs, o.copies, o.missing, o.media, o.steps, o.failure,
        o.hangLimit);
  }

  /**
   * Fails as ffmpeg exiting with {@code exitCode} after writing {@code stderr}: an {@link ErrorKind#FFMPEG}
   * failure, not retryable, whose message is {@code "ffmpeg exited with code N: <last stderr line>"} and
   * whose stderr tail is {@code stderr}.
   */
  public static FakeOutcome fail(int exitCode, String stderr) {
    Objects.requireNonNull(stderr, "stderr");
    String last = lastLine(stderr);
    String message = "ffmpeg exited with code " + exitCode + (last.isEmpty() ? "" : ": " + last);
    return of(Kind.FAIL, new TaskFailureException(ErrorKind.FFMPEG, message, false, stderr, null));
  }

  /** Fails with {@code failure}: any kind, retryable or not (e.g. {@link ErrorKind#OUT_OF_MEMORY}). */
  public static FakeOutcome fail(TaskFailureException failure) {
    return of(Kind.FAIL, Objects.requireNonNull(failure, "failure"));
  }

  /**
   * Runs until the task is stopped (cancel, timeout, shutdown), as a long encode would, then ends as a
   * killed ffmpeg does; the queue records the stop's reason. Gives up after {@link #DEFAULT_HANG_LIMIT}
   * with an error that says nobody stopped it.
   */
  public static FakeOutcome hang() {
    return of(Kind.HANG, null);
  }

  /** The content a successful run writes to output {@code name} unless told otherwise. */
  public static byte[] defaultContent(String name) {
    return ("fake ffmpeg output " + name).getBytes(StandardCharsets.UTF_8);
  }

  /** This outcome, writing {@code content} to output {@code name} (when it succeeds). */
  public FakeOutcome withOutput(String name, byte[] content) {
    Map<String, byte[]> m = new LinkedHashMap<>(outputs);
    m.put(Objects.requireNonNull(name, "name"), content.clone());
    Map<String, String> c = new LinkedHashMap<>(copies);
    c.remove(name);
    return new FakeOutcome(kind, this.content, Map.copyOf(m), Map.copyOf(c), missing, media, steps, failure, hangLimit);
  }

  /**
   * This outcome, writing to output {@code name} (when it succeeds) the bytes of input {@code input} as the
   * queue fetched it into the task's workspace: a test then sees in the stored output which input arrived,
   * through which fetcher.
   *
   * <pre>{@code
   * inputs.serve("https://cdn.example.com/cat.mp4", catBytes);
   * ffmpeg.enqueue(FakeOutcome.succeed().withOutputCopiedFrom("output.mp4", "input.mp4"));
   * Task done = queue.submitAndRun(request);
   * assertArrayEquals(catBytes, storage.bytes(done.id(), "output.mp4"));
   * }</pre>
   *
   * The run fails the test with an {@link IllegalStateException} when the task declares no such input or
   * output, and the task with an {@link ErrorKind#FFMPEG} failure when the input is not in the workspace.
   */
  public FakeOutcome withOutputCopiedFrom(String name, String input) {
    Map<String, String> c = new LinkedHashMap<>(copies);
    c.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(input, "input"));
    Map<String, byte[]> m = new LinkedHashMap<>(outputs);
    m.remove(name);
    return new FakeOutcome(kind, content, Map.copyOf(m), Map.copyOf(c), missing, media, steps, failure, hangLimit);
  }

  /**
   * This outcome, not writing output {@code name}: ffmpeg "succeeds" but the output is missing, which the
   * queue reports as {@link ErrorKind#MISSING_OUTPUT}.
   */
  public FakeOutcome withoutOutput(String name) {
    Set<String> s = new HashSet<>(missing);
    s.add(Objects.requireNonNull(name, "name"));
    return new FakeOutcome(kind, content, outputs, copies, Set.copyOf(s), media, steps, failure, hangLimit);
  }

  /** This outcome, with ffprobe's description of output {@code name} in the result. */
  public FakeOutcome withMedia(String name, MediaInfo info) {
    Map<String, MediaInfo> m = new LinkedHashMap<>(media);
    m.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(info, "info"));
    return new FakeOutcome(kind, content, outputs, copies, missing, Map.copyOf(m), steps, failure, hangLimit);
  }

  /**
   * This outcome, reporting these progress fractions (0 to 1) in order before it ends. The queue publishes
   * progress events at a bounded rate, so listeners may see only some of the steps; the last one (1.0)
   * always gets through. Steps run in the order added, progress and {@linkplain #withPauseUntil pauses} alike.
   */
  public FakeOutcome withProgress(double... fractions) {
    List<Step> l = new ArrayList<>(steps);
    for (double f : fractions) {
      l.add(new Step(f, null));
    }
    return new FakeOutcome(kind, content, outputs, copies, missing, media, List.copyOf(l), failure, hangLimit);
  }

  /**
   * This outcome, pausing at this point of its steps until {@code resume} completes (normally or not): the
   * task stays RUNNING, as under a long encode, until the test lets it go on. A stop (cancel, timeout,
   * shutdown) ends a paused run as it ends a killed ffmpeg; a run still paused after the
   * {@linkplain #withHangLimit hang limit} fails with an error that says nobody resumed it. Once
   * {@code resume} is complete, later runs of this outcome go on at once.
   *
   * <pre>{@code
   * CompletableFuture<Void> resume = new CompletableFuture<>();
   * ffmpeg.enqueue(FakeOutcome.succeed().withProgress(0.5).withPauseUntil(resume));
   * ... submit; the task is RUNNING at 50 % until ...
   * resume.complete(null);
   * }</pre>
   */
  public FakeOutcome withPauseUntil(CompletionStage<?> resume) {
    List<Step> l = new ArrayList<>(steps);
    l.add(new Step(0, Objects.requireNonNull(resume, "resume")));
    return new FakeOutcome(kind, content, outputs, copies, missing, media, List.copyOf(l), failure, hangLimit);
  }

  /** This outcome, hanging ({@link #hang()}) or pausing ({@link #withPauseUntil}) for at most {@code limit}. */
  public FakeOutcome withHangLimit(Duration limit) {
    if (limit == null || limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("the hang limit must be positive");
    }
    return new FakeOutcome(kind, content, outputs, copies, missing, media, steps, failure, limit);
  }

  private static String lastLine(String s) {
    String[] lines = s.strip().split("\\R");
    return lines.length == 0 ? "" : lines[lines.length - 1].strip();
  }

  @Override
  public String toString() {
    return switch (kind) {
      case SUCCEED -> "FakeOutcome.succeed()" + (steps.isEmpty() ? "" : " with steps " + steps);
      case FAIL -> "FakeOutcome.fail(" + failure.kind().wireName() + ": " + failure.getMessage() + ")";
      case HANG -> "FakeOutcome.hang()";
    };
  }
}
