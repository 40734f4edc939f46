package io.ffmpegqueue.spi;

import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskOutput;
import java.util.List;

/**
 * Does one attempt of a task. The default handler fetches the inputs, runs ffmpeg and stores the outputs;
 * a test or benchmark can put its own in place to run the worker machinery alone
 * ({@code FfmpegQueue.builder().handler(...)}).
 *
 * <p>It should return soon after {@link TaskContext#stopReason()} becomes non-null, by returning or
 * throwing anything; the queue records the stop reason, not the exception.
 */
@FunctionalInterface
public interface TaskHandler {
  /**
   * Runs the attempt.
   *
   * @return the stored outputs, in the request's order
   * @throws TaskFailureException for a classified failure; any other exception is an internal error that
   *     the retry policy treats as retryable
   */
  List<TaskOutput> handle(TaskContext context) throws Exception;
}
