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

  /** The longest message {@link #dependency} makes; a deep cascade would otherwise repeat every level's. */
  private static final int MAX_DEPENDENCY_MESSAGE = 1000;

  /**
   * The error of a task that was cancelled because {@code parent}, a task it waits for, ended FAILED or CANCELLED:
   * {@link ErrorKind#DEPENDENCY}, with a message naming the parent and its error ({@code "task P failed: ffmpeg
   * exited with 1"}, {@code "task P was cancelled"}). Every backend makes it with this method, so the text is the
   * same on all.
   */
  public static TaskError dependency(Task parent) {
    String cause = parent.errorMessage();
    String message = "task " + parent.id() + (parent.status() == TaskStatus.FAILED ? " failed" : " was cancelled")
        + (cause == null ? "" : ": " + cause);
    if (message.length() > MAX_DEPENDENCY_MESSAGE) {
      message = message.substring(0, MAX_DEPENDENCY_MESSAGE - 3) + "...";
    }
    return of(ErrorKind.DEPENDENCY, message);
  }

  /** An error without ffmpeg output. */
  public static TaskError of(ErrorKind kind, String message) {
    return new TaskError(kind, message, null);
  }
}
