package io.ffmpegqueue.ffmpeg;

import io.ffmpegqueue.FfmpegQueueException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds an ffmpeg to run and checks it once. In order: an explicit path; else the {@code FFMPEG_PATH}
 * environment variable (a file, or a folder holding {@code ffmpeg}); else {@code ffmpeg} on the
 * {@code PATH}; else the binaries that the {@code org.bytedeco:ffmpeg} jar ships (classifier
 * {@code linux-x86_64-gpl} has libx264), when that jar is on the class path. ffprobe is looked for the
 * same way ({@code FFPROBE_PATH}, next to ffmpeg, on the {@code PATH}, bundled).
 *
 * <pre>{@code
 * FfmpegInstallation ffmpeg = FfmpegLocator.defaults().locate();
 * FfmpegInstallation mine = FfmpegLocator.builder().ffmpeg(Path.of("/opt/ffmpeg/bin/ffmpeg")).build().locate();
 * }</pre>
 *
 * <p>The bundled jar is used by reflection, so the core has no dependency on it: add
 * {@code org.bytedeco:ffmpeg:7.1-1.5.11} with the classifier of the platform's GPL build (with libx264):
 * {@code linux-x86_64-gpl}, {@code linux-arm64-gpl}, {@code macosx-x86_64-gpl}, {@code macosx-arm64-gpl} or
 * {@code windows-x86_64-gpl} (and {@code org.bytedeco:javacpp:1.5.11} with the same classifier less
 * {@code -gpl}) to run where ffmpeg is not installed; {@link #bundledClassifier()} names this platform's.
 * The Linux builds need the system's {@code libpulse.so.0} (Debian: {@code apt-get install libpulse0}).
 */
public final class FfmpegLocator {
  private static final Logger log = LoggerFactory.getLogger(FfmpegLocator.class);
  private static final int MINIMUM_MAJOR_VERSION = 5;
  private static final Duration VERSION_CHECK_TIMEOUT = Duration.ofSeconds(60);
  /** Version checks by executable path: each ffmpeg is run once per JVM. */
  private static final Map<Path, String> CHECKED = new ConcurrentHashMap<>();

  private final Path ffmpeg;
  private final Path ffprobe;
  private final Map<String, String> environment;
  private final boolean bundled;

  private FfmpegLocator(Builder b) {
    this.ffmpeg = b.ffmpeg;
    this.ffprobe = b.ffprobe;
    this.environment = b.environment != null ? b.environment : System.getenv();
    this.bundled = b.bundled;
  }

  /** The locator with the default search order and the process environment. */
  public static FfmpegLocator defaults() {
    return builder().build();
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Finds ffmpeg and checks that it runs and is at least version 5.
   *
   * @throws FfmpegQueueException saying what was tried, when no usable ffmpeg is found
   */
  public FfmpegInstallation locate() {
    List<String> tried = new ArrayList<>();
    if (ffmpeg != null) {
      return checked(ffmpeg, probeFor(ffmpeg, false), "explicit path");
    }
    String env = environment.get("FFMPEG_PATH");
    if (env != null && !env.isBlank()) {
      Path p = Path.of(env);
      if (Files.isDirectory(p)) {
        p = p.resolve("ffmpeg");
      }
      return checked(p, probeFor(p, false), "FFMPEG_PATH");
    }
    tried.add("FFMPEG_PATH (not set)");
    Path onPath = onPath("ffmpeg");
    if (onPath != null) {
      try {
        return checked(onPath, probeFor(onPath, true), "PATH");
      } catch (FfmpegQueueException e) {
        log.warn("ignoring the ffmpeg on the PATH: {}", e.getMessage());
        tried.add("PATH (" + e.getMessage() + ")");
      }
    } else {
      tried.add("PATH (no ffmpeg in " + environment.getOrDefault("PATH", "") + ")");
    }
    if (bundled) {
      Path b;
      try {
        b = bundledExecutable("ffmpeg");
      } catch (FfmpegQueueException e) {
        tried.add("bundled org.bytedeco:ffmpeg (" + e.getMessage() + ")");
        b = null;
      }
      if (b != null) {
        Path probe = explicitProbe();
        if (probe == null) {
          try {
            probe = bundledExecutable("ffprobe");
          } catch (FfmpegQueueException e) {
            log.warn("the bundled ffprobe is not usable, outputs will not be probed: {}", e.getMessage());
          }
        }
        return checked(b, probe, "bundled org.bytedeco:ffmpeg");
      }
    } else {
      tried.add("bundled org.bytedeco:ffmpeg (disabled)");
    }
    String classifier = bundledClassifier();
    throw new FfmpegQueueException("no usable ffmpeg found; tried " + String.join(", ", tried)
        + ". Install ffmpeg, set FFMPEG_PATH, or " + (classifier == null
            ? "install one: org.bytedeco:ffmpeg has no build for " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch")
            : "add org.bytedeco:ffmpeg:7.1-1.5.11 (classifier " + classifier + ") and org.bytedeco:javacpp:1.5.11"
                + " (classifier " + classifier.replace("-gpl", "") + ") to the class path"));
  }

  /**
   * The {@code org.bytedeco:ffmpeg} classifier of this JVM's platform's GPL build ({@code linux-x86_64-gpl},
   * {@code macosx-arm64-gpl}, ...), or {@code null} where none is published.
   */
  public static String bundledClassifier() {
    return bundledClassifier(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
  }

  /** The classifier for the platform that Java names {@code osName} and {@code osArch}, or {@code null}. */
  static String bundledClassifier(String osName, String osArch) {
    String os = osName.toLowerCase(java.util.Locale.ROOT);
    String arch = osArch.toLowerCase(java.util.Locale.ROOT);
    String platform = os.startsWith("linux") ? "linux"
        : os.startsWith("mac") || os.startsWith("darwin") ? "macosx"
        : os.startsWith("windows") ? "windows" : null;
    String cpu = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x86-64") ? "x86_64"
        : arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : null;
    if (platform == null || cpu == null || (platform.equals("windows") && cpu.equals("arm64"))) {
      return null;
    }
    return platform + "-" + cpu + "-gpl";
  }

  private Path explicitProbe() {
    if (ffprobe != null) {
      return ffprobe;
    }
    String env = environment.get("FFPROBE_PATH");
    return env != null && !env.isBlank() ? Path.of(env) : null;
  }

  private Path probeFor(Path ffmpegPath, boolean searchPath) {
    Path explicit = explicitProbe();
    if (explicit != null) {
      return explicit;
    }
    Path sibling = ffmpegPath.resolveSibling("ffprobe");
    if (Files.isExecutable(sibling)) {
      return sibling;
    }
    return searchPath ? onPath("ffprobe") : null;
  }

  private Path onPath(String program) {
    String path = environment.get("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      for (String name : File.separatorChar == '\\' ? List.of(program + ".exe", program) : List.of(program)) {
        Path candidate = Path.of(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return null;
  }

  private static FfmpegInstallation checked(Path ffmpegPath, Path ffprobePath, String source) {
    Path real;
    try {
      real = ffmpegPath.toRealPath();
    } catch (IOException e) {
      throw new FfmpegQueueException("ffmpeg from " + source + " (" + ffmpegPath + ") does not exist");
    }
    String version = CHECKED.computeIfAbsent(real, p -> version(p, source));
    FfmpegInstallation inst = new FfmpegInstallation(real, realOrNull(ffprobePath), version, source);
    int major = inst.majorVersion();
    if (major >= 0 && major < MINIMUM_MAJOR_VERSION) {
      throw new FfmpegQueueException("ffmpeg from " + source + " (" + real + ") is version " + version
          + "; at least " + MINIMUM_MAJOR_VERSION + ".0 is required");
    }
    if (inst.ffprobe() == null) {
      log.warn("no ffprobe found next to {}; outputs will not be probed", real);
    }
    return inst;
  }

  private static Path realOrNull(Path p) {
    if (p == null) {
      return null;
    }
    try {
      Path r = p.toRealPath();
      return Files.isExecutable(r) ? r : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static String version(Path ffmpegPath, String source) {
    CapturedRun r;
    try {
      r = CapturedRun.run(List.of(ffmpegPath.toString(), "-hide_banner", "-version"), null, null, VERSION_CHECK_TIMEOUT);
    } catch (UncheckedIOException e) {
      throw new FfmpegQueueException("ffmpeg from " + source + " (" + ffmpegPath + ") cannot be started: " + e.getMessage());
    }
    String first = r.stdout().lines().findFirst().orElse("");
    if (!r.succeeded() || !first.startsWith("ffmpeg version ")) {
      String why = (r.stderr() + r.stdout()).strip();
      throw new FfmpegQueueException("ffmpeg from " + source + " (" + ffmpegPath + ") does not run"
          + (r.exitCode() == -1 ? " (timed out)" : " (exit status " + r.exitCode() + ")")
          + (why.isEmpty() ? "" : ": " + why.lines().limit(3).reduce((a, b) -> a + " " + b).orElse(""))
          + (why.contains("libpulse") ? " (install the system library it names, e.g. apt-get install libpulse0)" : ""));
    }
    String rest = first.substring("ffmpeg version ".length());
    int space = rest.indexOf(' ');
    return space < 0 ? rest : rest.substring(0, space);
  }

  /** The executable that org.bytedeco:ffmpeg extracts for {@code program}, loaded by reflection. */
  private static Path bundledExecutable(String program) {
    ClassLoader cl = FfmpegLocator.class.getClassLoader();
    Class<?> loader;
    Class<?> programClass;
    try {
      loader = Class.forName("org.bytedeco.javacpp.Loader", true, cl);
      programClass = Class.forName("org.bytedeco.ffmpeg." + program, false, cl);
    } catch (ClassNotFoundException e) {
      throw new FfmpegQueueException("not on the class path");
    }
    try {
      Object path = loader.getMethod("load", Class.class).invoke(null, programClass);
      if (!(path instanceof String s) || s.isEmpty()) {
        throw new FfmpegQueueException("it has no " + program + " executable for this platform");
      }
      return Path.of(s);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause() instanceof ExceptionInInitializerError ei && ei.getCause() != null ? ei.getCause() : e.getCause();
      throw new FfmpegQueueException("cannot extract " + program + ": " + rootMessage(cause)
          + (String.valueOf(rootMessage(cause)).contains(".so") ? " (install the system library it names, e.g. apt-get install libpulse0)" : ""));
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new FfmpegQueueException("cannot extract " + program + ": " + rootMessage(e));
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r.getMessage() != null ? r.getMessage() : r.toString();
  }

  /** Builds an {@link FfmpegLocator}. */
  public static final class Builder {
    private Path ffmpeg;
    private Path ffprobe;
    private Map<String, String> environment;
    private boolean bundled = true;

    private Builder() {}

    /** Uses this ffmpeg and no other; {@link #locate()} fails when it is not usable. */
    public Builder ffmpeg(Path path) {
      this.ffmpeg = Objects.requireNonNull(path, "path");
      return this;
    }

    /** Uses this ffprobe. Default: {@code FFPROBE_PATH}, else next to ffmpeg, else on the PATH, else bundled. */
    public Builder ffprobe(Path path) {
      this.ffprobe = Objects.requireNonNull(path, "path");
      return this;
    }

    /** The environment to read {@code FFMPEG_PATH}, {@code FFPROBE_PATH} and {@code PATH} from. Default: the process's. */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    /** Whether to fall back to the bundled org.bytedeco:ffmpeg binaries. Default true. */
    public Builder bundled(boolean bundled) {
      this.bundled = bundled;
      return this;
    }

    /** The locator. */
    public FfmpegLocator build() {
      return new FfmpegLocator(this);
    }
  }
}
