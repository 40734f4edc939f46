package io.ffmpegqueue;

/**
 * The root of every exception this library throws. Unchecked, so host code catches it only where it
 * can act on it; the message always says what went wrong in words a person can act on.
 */
public class FfmpegQueueException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient TaskId taskId;

  /** An error that concerns no task in particular. */
  public FfmpegQueueException(String message) {
    this(null, message, null);
  }

  /** An error that concerns no task in particular, with its cause. */
  public FfmpegQueueException(String message, Throwable cause) {
    this(null, message, cause);
  }

  /** An error about one task. */
  public FfmpegQueueException(TaskId taskId, String message, Throwable cause) {
    super(message, cause);
    this.taskId = taskId;
  }

  /** The task this error concerns, or {@code null}. */
  public TaskId taskId() {
    return taskId;
  }
}
