package io.ffmpegqueue.examples.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;

/**
 * Finds the ffmpeg the service's health check asks: {@code FFMPEG_PATH}, else {@code ffmpeg} on the
 * {@code PATH}, else the binary bundled in the jar (extracted once to {@code ~/.javacpp/cache}). The same
 * order the runner's locator uses, so the check asks the ffmpeg that tasks run.
 */
public final class FfmpegBinary {
  private FfmpegBinary() {}

  /** The ffmpeg executable. */
  public static Path locate() {
    String explicit = System.getenv("FFMPEG_PATH");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit.strip());
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        if (!dir.isEmpty()) {
          Path p = Path.of(dir, "ffmpeg");
          if (Files.isExecutable(p)) {
            return p;
          }
        }
      }
    }
    return bundled("ffmpeg");
  }

  /** The bundled {@code ffmpeg} or {@code ffprobe}, extracted from the jar on first use. */
  public static Path bundled(String program) {
    Class<?> c = switch (program) {
      case "ffmpeg" -> org.bytedeco.ffmpeg.ffmpeg.class;
      case "ffprobe" -> org.bytedeco.ffmpeg.ffprobe.class;
      default -> throw new IllegalArgumentException("no bundled program " + program);
    };
    String p = Loader.load(c);
    if (p == null) {
      throw new IllegalStateException("the bundled " + program + " is not available for this platform");
    }
    return Path.of(p);
  }

  /**
   * The first line of {@code ffmpeg -version} ({@code "ffmpeg version 7.1 ..."}).
   *
   * @throws IOException when it cannot be run or does not answer within 10 seconds
   */
  public static String version(Path ffmpeg) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(ffmpeg.toString(), "-hide_banner", "-version")
        .redirectErrorStream(true).start();
    try {
      p.getOutputStream().close();
      // The version text (a few KiB) fits the pipe, so waiting first cannot block ffmpeg; reading first
      // could block this thread forever on an ffmpeg that hangs.
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        throw new IOException(ffmpeg + " -version did not end within 10 s");
      }
      if (p.exitValue() != 0) {
        throw new IOException(ffmpeg + " -version exited with " + p.exitValue());
      }
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
      }
      int nl = out.indexOf('\n');
      return (nl < 0 ? out : out.substring(0, nl)).strip();
    } finally {
      p.destroyForcibly();
    }
  }
}
