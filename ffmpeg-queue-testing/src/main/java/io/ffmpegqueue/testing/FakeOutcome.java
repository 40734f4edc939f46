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

/**
 * What one run of the {@link FakeFfmpegRunner} does: succeed (writing each declared output), fail as
 * ffmpeg fails (an exit code and stderr), or hang until the task is stopped. Any of them may first report
 * progress steps. Immutable: the {@code with...} methods return a new outcome.
 *
 * <pre>{@code
 * runner.enqueue(FakeOutcome.succeed().withOutput("thumb.jpg", jpegBytes).withProgress(0.5, 1.0));
 * runner.enqueue(FakeOutcome.fail(1, "Unknown encoder 'libx265'"));
 * runner.enqueue(FakeOutcome.hang());
 * }</pre>
 */
public final class FakeOutcome {
  /** How long {@link #hang()} waits for a stop before it gives up and fails the run, so a test never hangs. */
  public static final Duration DEFAULT_HANG_LIMIT = Duration.ofSeconds(60);

  enum Kind { SUCCEED, FAIL, HANG }

  final Kind kind;
  final byte[] content; // for outputs without their own; null: defaultContent(name)
  final Map<String, byte[]> outputs;
  final Set<String> missing;
  final Map<String, MediaInfo> media;
  final List<Double> progress;
  final TaskFailureException failure;
  final Duration hangLimit;

  private FakeOutcome(Kind kind, byte[] content, Map<String, byte[]> outputs, Set<String> missing,
      Map<String, MediaInfo> media, List<Double> progress, TaskFailureException failure, Duration hangLimit) {
    this.kind = kind;
    this.content = content;
    this.outputs = outputs;
    this.missing = missing;
    this.media = media;
    this.progress = progress;
    this.failure = failure;
    this.hangLimit = hangLimit;
  }

  private static FakeOutcome of(Kind kind, TaskFailureException failure) {
    return new FakeOutcome(kind, null, Map.of(), Set.of(), Map.of(), List.of(), failure, DEFAULT_HANG_LIMIT);
  }

  /** Succeeds, writing {@link #defaultContent(String)} to every declared output. */
  public static FakeOutcome succeed() {
    return of(Kind.SUCCEED, null);
  }

  /** Succeeds, writing {@code content} to every declared output. */
  public static FakeOutcome succeed(byte[] content) {
    FakeOutcome o = succeed();
    return new FakeOutcome(o.kind, content.clone(), o.outputs, o.missing, o.media, o.progress, o.failure, o.hangLimit);
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
    return new FakeOutcome(kind, this.content, Map.copyOf(m), missing, media, progress, failure, hangLimit);
  }

  /**
   * This outcome, not writing output {@code name}: ffmpeg "succeeds" but the output is missing, which the
   * queue reports as {@link ErrorKind#MISSING_OUTPUT}.
   */
  public FakeOutcome withoutOutput(String name) {
    Set<String> s = new HashSet<>(missing);
    s.add(Objects.requireNonNull(name, "name"));
    return new FakeOutcome(kind, content, outputs, Set.copyOf(s), media, progress, failure, hangLimit);
  }

  /** This outcome, with ffprobe's description of output {@code name} in the result. */
  public FakeOutcome withMedia(String name, MediaInfo info) {
    Map<String, MediaInfo> m = new LinkedHashMap<>(media);
    m.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(info, "info"));
    return new FakeOutcome(kind, content, outputs, missing, Map.copyOf(m), progress, failure, hangLimit);
  }

  /**
   * This outcome, reporting these progress fractions (0 to 1) in order before it ends. The queue publishes
   * progress events at a bounded rate, so listeners may see only some of the steps; the last one (1.0)
   * always gets through.
   */
  public FakeOutcome withProgress(double... fractions) {
    List<Double> l = new ArrayList<>(progress);
    for (double f : fractions) {
      l.add(f);
    }
    return new FakeOutcome(kind, content, outputs, missing, media, List.copyOf(l), failure, hangLimit);
  }

  /** This outcome, hanging for at most {@code limit} (for {@link #hang()}). */
  public FakeOutcome withHangLimit(Duration limit) {
    if (limit == null || limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("the hang limit must be positive");
    }
    return new FakeOutcome(kind, content, outputs, missing, media, progress, failure, limit);
  }

  private static String lastLine(String s) {
    String[] lines = s.strip().split("\\R");
    return lines.length == 0 ? "" : lines[lines.length - 1].strip();
  }

  @Override
  public String toString() {
    return switch (kind) {
      case SUCCEED -> "FakeOutcome.succeed()" + (progress.isEmpty() ? "" : " with progress " + progress);
      case FAIL -> "FakeOutcome.fail(" + failure.kind().wireName() + ": " + failure.getMessage() + ")";
      case HANG -> "FakeOutcome.hang()";
    };
  }
}
