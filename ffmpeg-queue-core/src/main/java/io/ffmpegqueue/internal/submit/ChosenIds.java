package io.ffmpegqueue.internal.submit;

import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.spi.QueueBackend;
import java.util.Objects;
import java.util.Optional;

/**
 * The rules for a task id the caller chose: the request carries an idempotency key, so a repeated submit
 * finds the first task (as a random id's does), and an id taken by another task is refused rather than
 * handed to the backend, which would overwrite or reject it depending on the backend.
 */
final class ChosenIds {
  private ChosenIds() {}

  /**
   * The task already stored under {@code id} for this request (a repeated submit), or empty when there is
   * none yet.
   *
   * @throws InvalidTaskException when the request has no idempotency key, or {@code id} is another task's
   */
  static Optional<Task> existing(QueueBackend backend, TaskId id, TaskRequest request) {
    if (request.idempotencyKey() == null) {
      throw new InvalidTaskException("idempotency_key",
          "is required with a task id chosen by the caller, so that a repeated submit finds the first task");
    }
    Optional<Task> stored = backend.find(id);
    if (stored.isPresent() && !Objects.equals(stored.get().request().idempotencyKey(), request.idempotencyKey())) {
      throw new InvalidTaskException("task_id", "'" + id + "' is the id of another task");
    }
    return stored;
  }
}
