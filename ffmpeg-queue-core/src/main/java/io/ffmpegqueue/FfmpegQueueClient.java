package io.ffmpegqueue;

import io.ffmpegqueue.spi.QueueBackend;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Submits, finds, lists and cancels tasks. {@link FfmpegQueue} is one, with workers; {@link #builder}
 * makes one without workers, for processes that only submit (the HTTP API with {@code NUM_WORKERS=0})
 * while workers elsewhere share the backend.
 */
public interface FfmpegQueueClient extends AutoCloseable {

  /**
   * Validates and enqueues a task; returns at once. The command is checked against the command policy
   * and every input's scheme against the registered fetchers before anything is stored.
   *
   * @throws InvalidTaskException naming the field at fault
   * @throws TaskRejectedException when the queue is full or the submitter over its rate
   * @throws IllegalStateException after {@link #close()}
   */
  Submission submit(TaskRequest request);

  /**
   * As {@link #submit(TaskRequest)}, with an id the caller chose instead of a random one: another system's
   * id for the same work (a Celery task id), so the task is found under it. The request must carry an
   * idempotency key, so that submitting it again finds the first task ({@code created} false) instead of
   * registering a second.
   *
   * @throws InvalidTaskException naming {@code idempotency_key} when the request has none, or {@code task_id}
   *     when another task (with another idempotency key) already has this id
   * @throws TaskRejectedException when the queue is full or the submitter over its rate
   * @throws IllegalStateException after {@link #close()}
   */
  Submission submit(TaskId id, TaskRequest request);

  /** The latest snapshot of a task, or empty when there is none. */
  Optional<Task> find(TaskId id);

  /**
   * Cancels a task: a pending one never runs; a running one has its ffmpeg stopped and ends CANCELLED; a
   * final one stays as it is.
   *
   * @return the task after the call (a running one is still RUNNING until its worker stops it), or empty
   *     when there is no such task
   */
  Optional<Task> cancel(TaskId id);

  /** A page of tasks. */
  List<Task> list(TaskQuery query);

  /** How many tasks are waiting (PENDING). */
  long queueSize();

  /** How many tasks there are of each status. */
  Map<TaskStatus, Long> counts();

  /**
   * The webhook delivery of a task that ended with a webhook URL: its id, state and every attempt; empty when
   * it has none (no URL, not ended yet, or the backend stores none).
   */
  default Optional<WebhookDelivery> webhook(TaskId id) {
    return Optional.empty();
  }

  /**
   * Where the backend keeps the tasks' messages to other systems until they are sent (for a bridge to a
   * message broker); empty when it keeps none.
   */
  default Optional<io.ffmpegqueue.spi.MessageOutbox> messageOutbox() {
    return Optional.empty();
  }

  /** Subscribes to every event. */
  Subscription subscribe(TaskListener listener);

  /**
   * Subscribes to events of one type, e.g.
   * {@code queue.subscribe(TaskEvent.Type.COMPLETED, this::onTaskCompleted)}.
   */
  Subscription subscribe(TaskEvent.Type type, TaskListener listener);

  /** Stops accepting submissions and releases this client's threads. */
  @Override
  void close();

  /** A builder for a submit-only client on {@code backend}. */
  static Builder builder(QueueBackend backend) {
    return new Builder(backend);
  }

  /** Builds a submit-only {@link FfmpegQueueClient}. */
  final class Builder extends QueueOptions<Builder> {
    private Builder(QueueBackend backend) {
      backend(backend);
    }

    @Override
    Builder self() {
      return this;
    }

    /** The client. */
    public FfmpegQueueClient build() {
      return new QueueClient(settings(), "ffq-client");
    }
  }
}
