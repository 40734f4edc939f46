package io.ffmpegqueue.spi;

import io.ffmpegqueue.FfmpegQueueException;
import io.ffmpegqueue.TaskId;

/**
 * A write with a lease that is no longer current was refused: the lease expired and the task went to
 * another attempt, or the task already ended.
 */
public class LeaseLostException extends FfmpegQueueException {
  private static final long serialVersionUID = 1L;

  /** The lease on attempt {@code attempt} of {@code taskId} is lost. */
  public LeaseLostException(TaskId taskId, int attempt) {
    super(taskId, "task " + taskId + ": the lease on attempt " + attempt + " is no longer current", null);
  }
}
