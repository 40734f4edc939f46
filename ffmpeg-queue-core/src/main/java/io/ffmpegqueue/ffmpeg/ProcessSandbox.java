package io.ffmpegqueue.ffmpeg;

import io.ffmpegqueue.FfmpegQueueException;
import io.ffmpegqueue.internal.worker.Workspaces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a process of a task is started: inside bubblewrap with only the system libraries, the ffmpeg folder
 * and the task's workspace in view, or (without a sandbox) under {@code setpriv --pdeathsig KILL} so that
 * it dies with the JVM; always with a scrubbed environment and the workspace as working folder.
 */
final class ProcessSandbox {
  private static final Logger log = LoggerFactory.getLogger(ProcessSandbox.class);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);
  private static final List<String> SYSTEM_LINKS_OR_DIRS = List.of("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32");
  private static final List<String> SYSTEM_FILES = List.of(
      "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/fonts", "/etc/localtime");

  private final Path bubblewrap;
  private final Path setpriv;
  private final List<Path> readOnly;
  private final Map<String, String> extraEnvironment;
  private final SandboxStatus status;

  private ProcessSandbox(Path bubblewrap, Path setpriv, List<Path> readOnly, Map<String, String> extraEnvironment,
      SandboxStatus status) {
    this.bubblewrap = bubblewrap;
    this.setpriv = setpriv;
    this.readOnly = List.copyOf(readOnly);
    this.extraEnvironment = Map.copyOf(extraEnvironment);
    this.status = status;
  }

  /**
   * Decides how to start processes for {@code installation}, trying bubblewrap (at {@code bwrap}, or found
   * on the PATH when {@code null}) as {@code mode} asks.
   *
   * @throws FfmpegQueueException when {@code mode} is {@link Sandbox#REQUIRED} and bubblewrap does not work
   */
  public static ProcessSandbox create(FfmpegInstallation installation, Sandbox mode, Path bwrap,
      List<Path> extraReadOnly, Map<String, String> extraEnvironment) {
    List<Path> ro = new ArrayList<>();
    for (Path dir : installation.folders()) {
      if (!dir.startsWith("/usr")) {
        ro.add(dir);
      }
    }
    ro.addAll(extraReadOnly);
    String problem = null;
    if (mode != Sandbox.NONE) {
      Path b = bwrap != null ? bwrap : findOnPath("bwrap");
      if (b == null || !Files.isExecutable(b)) {
        problem = "bubblewrap (bwrap) is not installed" + (b != null ? " at " + b : "");
      } else {
        ro.addAll(libraryFolders(installation, ro, extraEnvironment));
        SandboxStatus probing = new SandboxStatus(true, false, "bubblewrap");
        problem = new ProcessSandbox(b, null, ro, extraEnvironment, probing).probe(installation);
        if (problem == null) {
          return new ProcessSandbox(b, null, ro, extraEnvironment, new SandboxStatus(true, false, bubblewrapVersion(b)));
        }
      }
      if (mode == Sandbox.REQUIRED) {
        throw new FfmpegQueueException("Sandbox.REQUIRED, but " + problem);
      }
      log.warn("ffmpeg runs without a sandbox, under the command policy alone: {}", problem);
    }
    Path sp = findOnPath("setpriv");
    if (sp != null) {
      CapturedRun r = CapturedRun.run(List.of(sp.toString(), "--pdeathsig", "KILL", "--", "/bin/true"), null, null, PROBE_TIMEOUT);
      if (!r.succeeded()) {
        sp = null;
      }
    }
    String how = sp != null ? "setpriv --pdeathsig KILL" : "ffmpeg may outlive a killed JVM: no setpriv";
    SandboxStatus status = problem != null
        ? new SandboxStatus(false, true, "no sandbox (Sandbox.AUTO fell back): " + problem)
        : new SandboxStatus(false, false, "none (" + how + ")");
    return new ProcessSandbox(null, sp, ro, extraEnvironment, status);
  }

  /**
   * The folders outside the sandbox's usual view that ffmpeg's and ffprobe's libraries load from or link
   * through ({@code /etc/alternatives} on Debian, an {@code /opt} or Homebrew prefix).
   */
  private static List<Path> libraryFolders(FfmpegInstallation installation, List<Path> readOnly,
      Map<String, String> extraEnvironment) {
    List<Path> shown = new ArrayList<>(List.of(Path.of("/usr")));
    SYSTEM_LINKS_OR_DIRS.forEach(d -> shown.add(Path.of(d)));
    shown.addAll(readOnly);
    List<Path> executables = new ArrayList<>(List.of(installation.ffmpeg()));
    if (installation.ffprobe() != null) {
      executables.add(installation.ffprobe());
    }
    Map<String, String> env = new LinkedHashMap<>(Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "LC_ALL", "C"));
    env.putAll(extraEnvironment);
    List<Path> found = LibraryFolders.outside(executables, shown, env);
    if (!found.isEmpty()) {
      log.debug("the sandbox also shows, read-only, the library folders {}", found);
    }
    return found;
  }

  /** Whether processes run inside bubblewrap. */
  public boolean isolated() {
    return bubblewrap != null;
  }

  /** What this sandbox is, for the log. */
  public String description() {
    return status.detail();
  }

  /** Whether processes run isolated, and if not, whether that is a fall-back and why. */
  public SandboxStatus status() {
    return status;
  }

  /** The command line that runs {@code command} for a task whose workspace is {@code workspace}. */
  public List<String> wrap(List<String> command, Path workspace) {
    List<String> argv = new ArrayList<>();
    if (bubblewrap != null) {
      argv.add(bubblewrap.toString());
      // --as-pid-1: ffmpeg itself is the namespace's init, so bwrap reaps it directly; with bwrap's own
      // init in between, that init can outlive bwrap by a moment and be left to the host's PID 1.
      argv.addAll(List.of("--unshare-all", "--die-with-parent", "--new-session", "--as-pid-1"));
      if (isRoot()) {
        argv.addAll(List.of("--cap-drop", "ALL"));
      }
      argv.addAll(List.of("--ro-bind", "/usr", "/usr"));
      for (String d : SYSTEM_LINKS_OR_DIRS) {
        Path p = Path.of(d);
        if (Files.isSymbolicLink(p)) {
          try {
            argv.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), d));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          argv.addAll(List.of("--ro-bind", d, d));
        }
      }
      for (String f : SYSTEM_FILES) {
        argv.addAll(List.of("--ro-bind-try", f, f));
      }
      argv.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
      for (Path p : readOnly) {
        argv.addAll(List.of("--ro-bind-try", p.toString(), p.toString()));
      }
      String ws = workspace.toAbsolutePath().toString();
      argv.addAll(List.of("--bind", ws, ws, "--chdir", ws, "--"));
    } else if (setpriv != null) {
      argv.addAll(List.of(setpriv.toString(), "--pdeathsig", "KILL", "--"));
    }
    argv.addAll(command);
    return argv;
  }

  /** The whole environment of a task's process: nothing of the JVM's (no credentials, no FFREPORT). */
  public Map<String, String> environment(Path workspace) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.put("LC_ALL", "C");
    env.put("HOME", workspace.toAbsolutePath().toString());
    env.put("TMPDIR", workspace.toAbsolutePath().toString());
    env.putAll(extraEnvironment);
    return env;
  }

  /** Runs {@code ffmpeg -version} in this sandbox; returns {@code null} when it works, else why not. */
  private String probe(FfmpegInstallation installation) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("ffq-sandbox-probe");
      CapturedRun r = CapturedRun.run(wrap(List.of(installation.ffmpeg().toString(), "-hide_banner", "-version"), dir),
          dir, environment(dir), PROBE_TIMEOUT);
      if (r.succeeded() && r.stdout().startsWith("ffmpeg version")) {
        return null;
      }
      String why = (r.stderr() + r.stdout()).strip();
      return "bubblewrap does not work here (exit status " + r.exitCode() + (why.isEmpty() ? "" : ": " + firstLine(why)) + ")";
    } catch (IOException | UncheckedIOException e) {
      return "bubblewrap cannot be started: " + e.getMessage();
    } finally {
      Workspaces.delete(dir);
    }
  }

  private static String bubblewrapVersion(Path bwrap) {
    try {
      CapturedRun r = CapturedRun.run(List.of(bwrap.toString(), "--version"), null, null, PROBE_TIMEOUT);
      String v = firstLine(r.stdout().strip());
      return v.isEmpty() ? "bubblewrap" : v;
    } catch (UncheckedIOException e) {
      return "bubblewrap";
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  static Path findOnPath(String program) {
    String path = System.getenv("PATH");
    List<String> dirs = new ArrayList<>(path == null ? List.of() : List.of(path.split(":")));
    dirs.addAll(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
    for (String d : dirs) {
      if (d.isEmpty()) {
        continue;
      }
      Path p = Path.of(d, program);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
