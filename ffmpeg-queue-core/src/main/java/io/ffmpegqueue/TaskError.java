package io.ffmpegqueue;

import java.util.Objects;

/**
 * Why a task (or its last attempt) failed.
 *
 * @param kind what kind of failure
 * @param message what went wrong, in words a person can act on
 * @param stderrTail the last lines ffmpeg wrote to stderr, or {@code null} when ffmpeg did not run
 */
public record TaskError(ErrorKind kind, String message, String stderrTail) {
  /** Checks that kind and message are present. */
  public TaskError {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }

  /** An error without ffmpeg output. */
  public static TaskError of(ErrorKind kind, String message) {
    return new TaskError(kind, message, null);
  }
}
