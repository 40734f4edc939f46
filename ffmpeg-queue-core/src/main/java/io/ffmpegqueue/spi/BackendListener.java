package io.ffmpegqueue.spi;

import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.ffmpeg.Progress;

/**
 * What a shared backend tells the queue about changes made by other processes, so that a cancel reaches the
 * worker that runs the task at once (not on its next heartbeat) and an API process's listeners see tasks
 * that workers elsewhere started and finished. The queue registers one with
 * {@link QueueBackend#addListener}; a backend that only lives in one JVM never calls it.
 *
 * <p>Calls come on a thread of the backend, in the order the backend learnt of the changes; they should
 * return soon.
 */
public interface BackendListener {
  /**
   * A cancel was requested for a running task, in another process. The worker that runs it stops it; the
   * others ignore the call.
   */
  default void onCancelRequested(TaskId id) {}

  /**
   * Something happened to a task in another process: {@code type} is what (SUBMITTED, STARTED,
   * RETRY_SCHEDULED, COMPLETED, FAILED or CANCELLED). The task's snapshot is not included: the queue reads it
   * with {@link QueueBackend#find} when anybody listens.
   */
  default void onRemoteEvent(TaskEvent.Type type, TaskId id) {}

  /**
   * A task running in another process made progress: {@code progress} is what its worker last reported
   * ({@link Renewal#detail()}), relayed at most as often as that worker renews with new progress (by default
   * every half second). Ordered with {@link #onRemoteEvent} for the same task.
   */
  default void onRemoteProgress(TaskId id, Progress progress) {}
}
