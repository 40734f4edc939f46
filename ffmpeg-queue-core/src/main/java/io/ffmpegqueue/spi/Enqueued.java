package io.ffmpegqueue.spi;

import io.ffmpegqueue.Task;
import java.util.Objects;

/**
 * The answer of {@link QueueBackend#enqueue}.
 *
 * @param task the stored task: the new one, or the earlier one with the same idempotency key
 * @param created whether {@code task} is new
 */
public record Enqueued(Task task, boolean created) {
  /** Checks the task is present. */
  public Enqueued {
    Objects.requireNonNull(task, "task");
  }
}
