package io.ffmpegqueue.ffmpeg;

import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.spi.StopReason;
import io.ffmpegqueue.spi.TaskContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** The real ffmpeg for tests (the bundled one when none is installed), media made with lavfi, and a task context. */
public final class TestFfmpeg {
  private static volatile FfmpegInstallation installation;

  private TestFfmpeg() {}

  /** The located ffmpeg, found once. */
  public static FfmpegInstallation installation() {
    FfmpegInstallation i = installation;
    if (i == null) {
      synchronized (TestFfmpeg.class) {
        if (installation == null) {
          installation = FfmpegLocator.defaults().locate();
        }
        i = installation;
      }
    }
    return i;
  }

  /**
   * The two ffmpeg builds the runner and sandbox tests run against: the one installed on the {@code PATH}
   * (a distribution's, linking dozens of system libraries, some through {@code /etc/alternatives}) and the
   * bundled {@code org.bytedeco:ffmpeg} (its own libraries beside it, found by {@code RUNPATH}).
   */
  public enum Build {
    /** The ffmpeg on the PATH; a test with it is skipped where none is installed. */
    INSTALLED,
    /** The org.bytedeco:ffmpeg binaries on the test class path. */
    BUNDLED;

    private static final java.util.Map<Build, FfmpegInstallation> FOUND = new java.util.concurrent.ConcurrentHashMap<>();

    /** This build, located once; aborts the test (skipped, not failed) when {@link #INSTALLED} is absent. */
    public FfmpegInstallation installation() {
      FfmpegInstallation found = FOUND.computeIfAbsent(this, b -> b.locate());
      org.junit.jupiter.api.Assumptions.assumeTrue(found != NONE_INSTALLED, "no ffmpeg installed on the PATH");
      return found;
    }

    private FfmpegInstallation locate() {
      if (this == BUNDLED) {
        return FfmpegLocator.builder().environment(java.util.Map.of()).build().locate();
      }
      String path = System.getenv("PATH");
      try {
        return FfmpegLocator.builder().environment(java.util.Map.of("PATH", path == null ? "" : path))
            .bundled(false).build().locate();
      } catch (io.ffmpegqueue.FfmpegQueueException e) {
        return NONE_INSTALLED;
      }
    }
  }

  private static final FfmpegInstallation NONE_INSTALLED =
      new FfmpegInstallation(Path.of("/nonexistent/ffmpeg"), null, "none", "none");

  /** Runs ffmpeg directly (no policy, no sandbox) to make test media; fails the test when ffmpeg fails. */
  public static void ffmpeg(Path dir, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(installation().ffmpeg().toString());
    cmd.addAll(List.of("-hide_banner", "-nostdin", "-loglevel", "error", "-y"));
    cmd.addAll(List.of(args));
    CapturedRun r = CapturedRun.run(cmd, dir, null, Duration.ofSeconds(120));
    if (!r.succeeded()) {
      throw new AssertionError("ffmpeg " + String.join(" ", args) + " failed: " + r.stderr());
    }
  }

  /** A small video with sound: {@code seconds} long, 320x240, H.264 + AAC in MP4. */
  public static Path video(Path dir, String name, int seconds) {
    ffmpeg(dir, "-f", "lavfi", "-i", "testsrc=d=" + seconds + ":s=320x240:r=25", "-f", "lavfi", "-i",
        "sine=f=440:d=" + seconds, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
        "-shortest", name);
    return dir.resolve(name);
  }

  /** The pids of the ffmpeg and bwrap processes this JVM has started and that still run. */
  public static Set<Long> ffmpegProcesses() {
    return ProcessHandle.current().descendants()
        .filter(h -> h.info().command().map(c -> c.endsWith("/ffmpeg") || c.endsWith("/bwrap") || c.endsWith("/setpriv"))
            .orElse(false))
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }

  /**
   * Whether the process {@code pid} still runs. A zombie (exited, its status not yet collected) does not
   * run: a process orphaned to a container's PID 1 stays one until that PID 1 gets round to reaping it.
   */
  public static boolean alive(long pid) {
    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return false;
    }
    try {
      String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** A task context that records progress and can be stopped by the test. */
  public static final class Context implements TaskContext {
    private final Task task;
    public final List<Progress> progress = new CopyOnWriteArrayList<>();
    private final List<Runnable> stopActions = new CopyOnWriteArrayList<>();
    private volatile StopReason stopReason;

    public Context(String command, List<String> inputs, List<String> outputs) {
      TaskRequest.Builder b = TaskRequest.builder().command(command).outputs(outputs);
      for (String in : inputs) {
        b.input(in, "file:///nowhere/" + in);
      }
      this.task = Task.pending(TaskId.random(), b.build(), Instant.now());
    }

    @Override
    public Task task() {
      return task;
    }

    @Override
    public void reportProgress(Progress p) {
      progress.add(p);
    }

    @Override
    public StopReason stopReason() {
      return stopReason;
    }

    @Override
    public Subscription onStop(Runnable action) {
      if (stopReason != null) {
        action.run();
        return () -> { };
      }
      stopActions.add(action);
      return () -> stopActions.remove(action);
    }

    @Override
    public Instant deadline() {
      return Instant.now().plusSeconds(3600);
    }

    /** Stops the task as the worker would, running the stop actions on this thread. */
    public void stop(StopReason reason) {
      stopReason = reason;
      for (Runnable r : stopActions) {
        r.run();
      }
    }
  }

  /** A job for {@code command} in {@code workspace}. */
  public static FfmpegJob job(Path workspace, String command, List<String> inputs, List<String> outputs, Context ctx) {
    return new FfmpegJob(FfmpegCommand.parse(command), workspace, inputs, outputs, ctx);
  }
}
