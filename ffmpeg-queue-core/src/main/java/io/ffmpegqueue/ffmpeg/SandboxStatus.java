package io.ffmpegqueue.ffmpeg;

import java.util.Objects;

/**
 * How a {@link ProcessFfmpegRunner} starts ffmpeg, decided once when it is built: for a health check or a
 * gauge, so that a fall-back from bubblewrap is seen and not only logged.
 *
 * <pre>{@code
 * SandboxStatus s = runner.sandboxStatus();
 * // isolated: "bubblewrap 0.8.0"; degraded (AUTO fell back): "bubblewrap does not work here (...)"
 * }</pre>
 *
 * @param isolated whether ffmpeg runs inside bubblewrap
 * @param degraded whether {@link Sandbox#AUTO} asked for bubblewrap and ffmpeg runs without it: only the
 *     command policy stands between a task and the host
 * @param detail the bubblewrap version when isolated, why not when degraded, else how ffmpeg is started
 */
public record SandboxStatus(boolean isolated, boolean degraded, String detail) {
  /** Checks the fields: a sandbox that isolates is not degraded. */
  public SandboxStatus {
    Objects.requireNonNull(detail, "detail");
    if (isolated && degraded) {
      throw new IllegalArgumentException("a sandbox that isolates is not degraded");
    }
  }
}
