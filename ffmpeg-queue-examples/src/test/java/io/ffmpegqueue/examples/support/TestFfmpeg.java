package io.ffmpegqueue.examples.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.FfmpegQueueException;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.ffmpeg.FfmpegLocator;
import io.ffmpegqueue.io.LocalStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The bundled ffmpeg and ffprobe for tests: making media with lavfi, probing outputs, the runner to use. */
public final class TestFfmpeg {
  private static volatile Path ffmpeg;
  private static volatile Path ffprobe;
  private static Boolean defaultRunner;

  private TestFfmpeg() {}

  /** The bundled ffmpeg. */
  public static Path ffmpeg() {
    if (ffmpeg == null) {
      ffmpeg = FfmpegLocator.defaults().locate().ffmpeg();
    }
    return ffmpeg;
  }

  /** The bundled ffprobe. */
  public static Path ffprobe() {
    if (ffprobe == null) {
      ffprobe = FfmpegLocator.defaults().locate().ffprobe();
    }
    return ffprobe;
  }

  /** Leaves the core's default runner (the located ffmpeg, sandboxed when bubblewrap works) in place. */
  public static void useRunner(FfmpegQueue.Builder b) {
    // Kept as the one seam the tests pass to the service, should a test ever need another runner.
  }

  /** Writes a {@code seconds}-long 320x240 H.264 + AAC test clip to {@code target}. */
  public static Path makeClip(Path target, int seconds) throws IOException, InterruptedException {
    run(List.of(ffmpeg().toString(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
        "-f", "lavfi", "-i", "testsrc=duration=" + seconds + ":size=320x240:rate=25",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=" + seconds,
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
        target.toString()));
    return target;
  }

  /** What ffprobe says of {@code file}: its {@code -show_format -show_streams} JSON. */
  public static JsonNode probe(Path file) throws IOException, InterruptedException {
    String out = run(List.of(ffprobe().toString(), "-v", "error", "-print_format", "json", "-show_format",
        "-show_streams", file.toString()));
    return TaskJson.mapper().readTree(out);
  }

  /** The duration of a media file in seconds, or {@code null}. */
  static Double durationSeconds(Path file) {
    try {
      JsonNode n = probe(file).path("format").path("duration");
      return n.isMissingNode() ? null : Double.valueOf(n.asText());
    } catch (IOException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp folder
    }
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s ends", cmd.get(0)).isTrue();
    assertThat(p.exitValue()).as("exit status of %s", String.join(" ", cmd)).isZero();
    return new String(out, StandardCharsets.UTF_8);
  }
}
