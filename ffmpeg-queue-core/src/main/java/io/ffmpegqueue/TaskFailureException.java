package io.ffmpegqueue;

/**
 * Thrown by a pipeline step (fetch, ffmpeg, store) to fail the current attempt with a classified error.
 * {@link #retryable()} says whether another attempt could succeed (a network error) or not (a 404, a
 * command ffmpeg refuses); the {@link RetryPolicy} decides whether one is made.
 */
public class TaskFailureException extends FfmpegQueueException {
  private static final long serialVersionUID = 1L;

  private final ErrorKind kind;
  private final boolean retryable;
  private final String stderrTail;

  /** A failure of the given kind. */
  public TaskFailureException(ErrorKind kind, String message, boolean retryable) {
    this(kind, message, retryable, null, null);
  }

  /** A failure of the given kind with its cause and ffmpeg's stderr tail (either may be {@code null}). */
  public TaskFailureException(ErrorKind kind, String message, boolean retryable, String stderrTail, Throwable cause) {
    super(null, message, cause);
    this.kind = kind;
    this.retryable = retryable;
    this.stderrTail = stderrTail;
  }

  /** What kind of failure. */
  public ErrorKind kind() {
    return kind;
  }

  /** Whether another attempt could succeed. */
  public boolean retryable() {
    return retryable;
  }

  /** The last lines ffmpeg wrote to stderr, or {@code null}. */
  public String stderrTail() {
    return stderrTail;
  }

  /** This failure as a task error. */
  public TaskError toError() {
    return new TaskError(kind, getMessage(), stderrTail);
  }
}
