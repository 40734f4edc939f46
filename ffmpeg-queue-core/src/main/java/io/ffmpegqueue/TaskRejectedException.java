package io.ffmpegqueue;

import java.time.Duration;

/**
 * A submission was refused and nothing was enqueued: the request is invalid ({@link Reason#INVALID}, see
 * {@link InvalidTaskException}), the queue is at capacity ({@link Reason#QUEUE_FULL}) or the submitter
 * is over its rate ({@link Reason#RATE_LIMITED}).
 */
public class TaskRejectedException extends FfmpegQueueException {
  private static final long serialVersionUID = 1L;

  /** Why a submission was refused. */
  public enum Reason {
    /** The request itself is wrong; sending it again will not help. */
    INVALID,
    /** The queue holds as many pending tasks as it may; try again later. */
    QUEUE_FULL,
    /** The submitter sends faster than it may; try again after {@link #retryAfter()}. */
    RATE_LIMITED
  }

  private final Reason reason;
  private final transient Duration retryAfter;

  /** A refusal for the given reason; {@code retryAfter} may be {@code null}. */
  public TaskRejectedException(Reason reason, String message, Duration retryAfter) {
    super(message);
    this.reason = reason;
    this.retryAfter = retryAfter;
  }

  /** Why the submission was refused. */
  public Reason reason() {
    return reason;
  }

  /** When it makes sense to try again, or {@code null} when it does not (an invalid request). */
  public Duration retryAfter() {
    return retryAfter;
  }
}
