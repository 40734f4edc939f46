package io.ffmpegqueue.ffmpeg;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A located and checked ffmpeg.
 *
 * @param ffmpeg the ffmpeg executable
 * @param ffprobe the ffprobe executable, or {@code null} when none was found (outputs that ffmpeg's own
 *     report does not describe then have no description)
 * @param version the version ffmpeg reports ({@code 7.1}, {@code 5.1.6-0+deb12u1}, {@code N-11345-g...})
 * @param source where it was found ({@code FFMPEG_PATH}, {@code PATH}, {@code bundled org.bytedeco:ffmpeg} ...)
 */
public record FfmpegInstallation(Path ffmpeg, Path ffprobe, String version, String source) {
  private static final Pattern MAJOR = Pattern.compile("^n?(\\d+)\\.");

  /** Checks the required fields. */
  public FfmpegInstallation {
    Objects.requireNonNull(ffmpeg, "ffmpeg");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(source, "source");
  }

  /** The major version, or -1 for a build that does not say (a git snapshot). */
  public int majorVersion() {
    Matcher m = MAJOR.matcher(version);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** The folders that hold the executables (and, for the bundled build, its libraries). */
  public java.util.List<Path> folders() {
    java.util.LinkedHashSet<Path> dirs = new java.util.LinkedHashSet<>();
    dirs.add(ffmpeg.getParent());
    if (ffprobe != null) {
      dirs.add(ffprobe.getParent());
    }
    return java.util.List.copyOf(dirs);
  }
}
