package io.ffmpegqueue.ffmpeg;

import static io.ffmpegqueue.support.Checks.nonNegative;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.spi.StopReason;
import io.ffmpegqueue.spi.TaskContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs ffmpeg as a child process, one per task, in the task's workspace: never through a shell, with a
 * scrubbed environment, inside bubblewrap where available ({@link Sandbox}), with per-input protocol and
 * format whitelists. Progress comes from {@code -progress pipe:1}; a stop (cancel, timeout, shutdown)
 * sends {@code q}, then after {@link Builder#quitGracePeriod} ends the process and its descendants, forcibly
 * after {@link Builder#killGracePeriod}. After success each output is checked and described
 * ({@link Builder#outputDescription}: from ffmpeg's own report by default, else with ffprobe).
 *
 * <pre>{@code
 * FfmpegRunner runner = ProcessFfmpegRunner.builder()
 *     .locator(FfmpegLocator.builder().ffmpeg(Path.of("/usr/bin/ffmpeg")).build())
 *     .sandbox(Sandbox.REQUIRED)
 *     .build();
 * FfmpegQueue queue = FfmpegQueue.builder().runner(runner).build();
 * }</pre>
 *
 * <p>{@link Builder#build()} locates ffmpeg, checks its version and tries the sandbox once, and says in
 * the log which ffmpeg and which sandbox it uses.
 */
public final class ProcessFfmpegRunner implements FfmpegRunner {
  private static final Logger log = LoggerFactory.getLogger(ProcessFfmpegRunner.class);

  private final FfmpegInstallation installation;
  private final ProcessSandbox sandbox;
  private final CommandPolicy policy;
  private final Duration quitGrace;
  private final Duration killGrace;
  private final int stderrTailBytes;
  private final MediaProbe probe;
  private final OutputDescription description;

  private ProcessFfmpegRunner(Builder b, FfmpegInstallation installation) {
    this.installation = installation;
    this.sandbox = ProcessSandbox.create(installation, b.sandbox, b.bubblewrap, b.readOnlyPaths, b.environment);
    this.policy = b.policy;
    this.quitGrace = b.quitGrace;
    this.killGrace = b.killGrace;
    this.stderrTailBytes = b.stderrTailBytes;
    Set<String> probeFormats = new HashSet<>(policy.inputFormats());
    probeFormats.remove("lavfi");
    this.description = b.description;
    this.probe = installation.ffprobe() == null || description == OutputDescription.NONE ? null
        : new MediaProbe(installation.ffprobe(), sandbox, probeFormats, Duration.ofSeconds(60));
    log.info("ffmpeg {} at {} ({}); sandbox: {}", installation.version(), installation.ffmpeg(), installation.source(),
        sandbox.description());
  }

  /** A builder with the defaults: located ffmpeg, {@link Sandbox#AUTO}, the strict policy. */
  public static Builder builder() {
    return new Builder();
  }

  /** The ffmpeg this runner uses. */
  public FfmpegInstallation installation() {
    return installation;
  }

  /** Whether ffmpeg runs inside bubblewrap. */
  public boolean sandboxed() {
    return sandbox.isolated();
  }

  /** How ffmpeg is started: inside bubblewrap (its version), or not, and whether that is a fall-back and why. */
  public SandboxStatus sandboxStatus() {
    return sandbox.status();
  }

  @Override
  public FfmpegResult run(FfmpegJob job) {
    TaskContext context = job.context();
    String taskId = context.task().id().value();
    Path workspace = job.workspace().toAbsolutePath();
    InputSniffer.check(workspace, job.inputs(), policy);
    FolderInputCheck.check(workspace, job.inputs());
    FfmpegCommand command = job.command();
    if (!policy.allowsOption(KeyInfoCheck.OPTION)) {
      KeyInfoCheck.check(command, workspace, job.inputs());
    }
    ExpectedDuration expected = new ExpectedDuration(command);
    if (command.logHidesDurations() && probe != null) {
      probeInputDurations(command, workspace, expected);
    }
    ProgressParser parser = new ProgressParser(expected::seconds);
    OutputReport report = new OutputReport();
    List<String> argv = new ArrayList<>();
    argv.add(installation.ffmpeg().toString());
    argv.addAll(FfmpegArguments.build(command, policy.inputFormats(), job.inputs()));
    FfmpegProcess process = new FfmpegProcess(sandbox.wrap(argv, workspace), workspace, sandbox.environment(workspace),
        stderrTailBytes,
        line -> {
          Progress p = parser.accept(line);
          if (p != null && !parser.ended()) {
            context.reportProgress(p);
          }
        },
        line -> {
          expected.acceptStderrLine(line);
          report.acceptStderrLine(line);
          if (log.isDebugEnabled()) {
            log.debug("task {} ffmpeg: {}", taskId, line);
          }
        },
        "ffq-ffmpeg-" + taskId);
    long started = System.nanoTime();
    int exit;
    Subscription stop = context.onStop(process::requestStop);
    try {
      if (context.isStopped()) {
        throw stopped(context.stopReason());
      }
      try {
        process.start();
      } catch (IOException e) {
        throw new TaskFailureException(ErrorKind.INTERNAL, "cannot start ffmpeg: " + e.getMessage(), true, null, e);
      }
      log.debug("task {}: ffmpeg started (pid {}): {}", taskId, process.pid(), argv);
      exit = process.await(quitGrace, killGrace);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskFailureException(ErrorKind.INTERNAL, "interrupted while ffmpeg ran", true, null, e);
    } finally {
      stop.close();
      process.destroy(Duration.ZERO);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    if (context.isStopped()) {
      throw stopped(context.stopReason());
    }
    if (exit != 0) {
      throw failure(exit, process, taskId);
    }
    checkOutputs(workspace, job.outputs());
    context.reportProgress(new Progress(1.0, parser.lastOutTime(), null, null, Duration.ZERO));
    Map<String, MediaInfo> media = describeOutputs(job, workspace, report, parser.lastOutTime());
    log.debug("task {}: ffmpeg succeeded in {} ms", taskId, elapsed.toMillis());
    return new FfmpegResult(media, elapsed);
  }

  /** Each output's description, as {@link #description} says; an output that cannot be described has none. */
  private Map<String, MediaInfo> describeOutputs(FfmpegJob job, Path workspace, OutputReport report, Duration lastOutTime) {
    Map<String, MediaInfo> media = new LinkedHashMap<>();
    if (description == OutputDescription.NONE) {
      return media;
    }
    TaskContext context = job.context();
    // ffmpeg reports one time for the whole run, which is an output's duration only when there is one output.
    Double duration = job.outputs().size() == 1 && lastOutTime.compareTo(Duration.ZERO) > 0
        ? lastOutTime.toNanos() / 1e9 : null;
    for (String name : job.outputs()) {
      if (!TaskRequest.isValidFileName(name)) {
        continue; // a folder, a pattern or a file inside a folder: stored file by file by the worker, not described
      }
      MediaInfo m = description == OutputDescription.FFMPEG_REPORT ? report.describe(name, duration) : null;
      if ((m == null || m.durationSeconds() == null) && probe != null) {
        if (context.isStopped()) {
          throw stopped(context.stopReason());
        }
        MediaInfo probed = probe.probe(workspace, name);
        m = probed != null ? probed : m;
      }
      if (m != null) {
        media.put(name, m);
      }
    }
    return media;
  }

  private void probeInputDurations(FfmpegCommand command, Path workspace, ExpectedDuration expected) {
    for (int i = 0; i < command.inputs().size(); i++) {
      FfmpegCommand.Input in = command.inputs().get(i);
      if (in.format() == null || !in.format().equals("lavfi")) {
        expected.inputDuration(i, probe.durationSeconds(workspace, in.url()));
      }
    }
  }

  private static void checkOutputs(Path workspace, List<String> outputs) {
    for (String name : outputs) {
      if (!TaskRequest.isValidFileName(name)) {
        continue; // checked by the worker, which stores folders and patterns file by file
      }
      Path file = workspace.resolve(name);
      try {
        if (!Files.isRegularFile(file)) {
          throw new TaskFailureException(ErrorKind.MISSING_OUTPUT,
              "ffmpeg exited successfully but did not write the declared output '" + name + "'", false);
        }
        if (Files.size(file) == 0) {
          throw new TaskFailureException(ErrorKind.MISSING_OUTPUT,
              "ffmpeg exited successfully but the declared output '" + name + "' is empty", false);
        }
      } catch (IOException e) {
        throw new TaskFailureException(ErrorKind.MISSING_OUTPUT, "cannot read the output '" + name + "': " + e.getMessage(), false);
      }
    }
  }

  private static TaskFailureException stopped(StopReason reason) {
    return switch (reason) {
      case TIMED_OUT -> new TaskFailureException(ErrorKind.TIMEOUT, "ffmpeg was stopped: the task timed out", false);
      case CANCELLED -> new TaskFailureException(ErrorKind.CANCELLED, "ffmpeg was stopped: the task was cancelled", false);
      case SHUTDOWN, LEASE_LOST -> new TaskFailureException(ErrorKind.INTERNAL,
          "ffmpeg was stopped: " + reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), true);
    };
  }

  /** Classifies a non-zero exit. */
  private TaskFailureException failure(int exit, FfmpegProcess process, String taskId) {
    String tail = process.tail().text();
    List<String> lines = errorLines(process);
    String summary = String.join("; ", lines);
    if (summary.length() > 600) {
      summary = summary.substring(summary.length() - 600);
    }
    TaskFailureException f;
    if (exit == 137) {
      f = new TaskFailureException(ErrorKind.OUT_OF_MEMORY,
          "ffmpeg was killed with SIGKILL (exit status 137), most likely for lack of memory", true, tail, null);
    } else if (exit > 128 && exit < 160) {
      f = new TaskFailureException(ErrorKind.KILLED, "ffmpeg was killed by signal " + (exit - 128) + " (exit status " + exit + ")",
          true, tail, null);
    } else if (exit == 255 && tail.contains("received signal")) {
      f = new TaskFailureException(ErrorKind.KILLED, "ffmpeg stopped on a signal it did not get from the queue: " + summary,
          true, tail, null);
    } else if (sandbox.isolated() && tail.startsWith("bwrap:")) {
      f = new TaskFailureException(ErrorKind.INTERNAL, "the sandbox failed to start ffmpeg: " + summary, true, tail, null);
    } else {
      String hint = tail.contains("Error opening input") && tail.contains("Invalid argument")
          ? " (an input's format may not be on the command policy's list)" : "";
      f = new TaskFailureException(ErrorKind.FFMPEG, "ffmpeg failed (exit status " + exit + "): "
          + (summary.isEmpty() ? "no error message" : summary) + hint, false, tail, null);
    }
    log.debug("task {}: {}", taskId, f.getMessage());
    return f;
  }

  /** The last lines that say what went wrong, without the statistics lines. */
  private static List<String> errorLines(FfmpegProcess process) {
    List<String> lines = new ArrayList<>();
    for (String l : process.tail().lastLines(12)) {
      if (!l.startsWith("frame=") && !l.startsWith("size=") && !l.contains("muxing overhead")
          && !l.startsWith("[out#") && !l.startsWith("Exiting normally")) {
        lines.add(l);
      }
    }
    // ffmpeg 7 states the cause first and then how each layer gave up: four lines hold both.
    return lines.size() <= 4 ? lines : lines.subList(lines.size() - 4, lines.size());
  }

  /** Builds a {@link ProcessFfmpegRunner}. */
  public static final class Builder {
    private FfmpegLocator locator = FfmpegLocator.defaults();
    private FfmpegInstallation installation;
    private Sandbox sandbox = Sandbox.AUTO;
    private Path bubblewrap;
    private final List<Path> readOnlyPaths = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private CommandPolicy policy = CommandPolicy.strict();
    private Duration quitGrace = Duration.ofSeconds(5);
    private Duration killGrace = Duration.ofSeconds(2);
    private int stderrTailBytes = 64 * 1024;
    private OutputDescription description = OutputDescription.FFMPEG_REPORT;

    private Builder() {}

    /** How to find ffmpeg. Default {@link FfmpegLocator#defaults()}. */
    public Builder locator(FfmpegLocator locator) {
      this.locator = Objects.requireNonNull(locator, "locator");
      return this;
    }

    /** Uses this ffmpeg, already located; the locator is then not used. */
    public Builder installation(FfmpegInstallation installation) {
      this.installation = Objects.requireNonNull(installation, "installation");
      return this;
    }

    /** Whether to run ffmpeg inside bubblewrap. Default {@link Sandbox#AUTO}. */
    public Builder sandbox(Sandbox sandbox) {
      this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
      return this;
    }

    /** Where {@code bwrap} is. Default: found on the PATH. */
    public Builder bubblewrap(Path bwrap) {
      this.bubblewrap = Objects.requireNonNull(bwrap, "bwrap");
      return this;
    }

    /** More folders ffmpeg may read in the sandbox (e.g. the libraries of an ffmpeg under {@code /opt}). */
    public Builder sandboxReadOnly(Path... paths) {
      readOnlyPaths.addAll(List.of(paths));
      return this;
    }

    /** Adds a variable to ffmpeg's otherwise empty environment (never a secret: ffmpeg runs untrusted commands). */
    public Builder environment(String name, String value) {
      environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** The policy whose input formats become ffmpeg's per-input format whitelist; use the queue's. Default strict. */
    public Builder policy(CommandPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** How long ffmpeg gets to stop after {@code q} before it is terminated. Default 5 s. */
    public Builder quitGracePeriod(Duration d) {
      this.quitGrace = nonNegative(d, "quitGracePeriod");
      return this;
    }

    /** How long ffmpeg gets after SIGTERM before SIGKILL. Default 2 s. */
    public Builder killGracePeriod(Duration d) {
      this.killGrace = nonNegative(d, "killGracePeriod");
      return this;
    }

    /** How much of ffmpeg's stderr is kept for the error message. Default 64 KiB. */
    public Builder stderrTailBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("stderrTailBytes must be at least 1024");
      }
      this.stderrTailBytes = bytes;
      return this;
    }

    /**
     * How each output is described after success ({@link FfmpegResult#media()}). Default
     * {@link OutputDescription#FFMPEG_REPORT}: from what ffmpeg printed, with no extra process;
     * {@link OutputDescription#FFPROBE} for the container's exact duration at the cost of one more process
     * per output; {@link OutputDescription#NONE} for none.
     */
    public Builder outputDescription(OutputDescription description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    /**
     * Locates and checks ffmpeg, tries the sandbox, and makes the runner.
     *
     * @throws io.ffmpegqueue.FfmpegQueueException when no usable ffmpeg is found, or the sandbox is
     *     required and does not work
     */
    public ProcessFfmpegRunner build() {
      return new ProcessFfmpegRunner(this, installation != null ? installation : locator.locate());
    }
  }
}
