package io.ffmpegqueue.spi;

import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.WebhookDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Optional SPI: a backend that also stores the webhook deliveries of tasks that end, implemented beside
 * {@link QueueBackend} by the same class (the in-memory, PostgreSQL and Redis backends are). A queue built with
 * {@code webhooks(...)} needs one.
 *
 * <p>For every task whose request has a {@link io.ffmpegqueue.TaskRequest#webhookUrl() webhook URL} and that
 * ends COMPLETED, FAILED or CANCELLED through {@link QueueBackend#finish}, {@link QueueBackend#cancel} (of a
 * PENDING task) or {@link QueueBackend#reapExpiredLeases}, the backend stores
 * {@link WebhookDelivery#first WebhookDelivery.first(id, url, now)} atomically with that change (in the same
 * transaction or statement, or under the same lock), so that no crash can come between the two: exactly one
 * delivery per task, found by {@link #findWebhook} and handed out by {@link #claimDueWebhooks} from then on.
 * It removes a task's delivery with the task when {@link QueueBackend#prune} removes it. The queue only sends
 * due deliveries; {@code QueueBackendContract} checks all this.
 */
public interface WebhookOutbox {

  /**
   * The outbox of {@code backend}: the backend itself when it is one, or the outbox of the backend a
   * {@link ForwardingQueueBackend} passes its calls to; empty when there is none.
   */
  static Optional<WebhookOutbox> of(QueueBackend backend) {
    if (backend instanceof WebhookOutbox outbox) {
      return Optional.of(outbox);
    }
    if (backend instanceof ForwardingQueueBackend forwarding) {
      return of(forwarding.delegate());
    }
    return Optional.empty();
  }

  /** The webhook delivery of a task, or empty when it has none (yet). */
  Optional<WebhookDelivery> findWebhook(TaskId id);

  /**
   * Takes up to {@code limit} PENDING deliveries due at {@code now} and holds them for {@code holdFor} (moves
   * their next attempt that far on), so that no other process attempts them meanwhile; the caller records
   * the attempt with {@link #updateWebhook}. A process that dies holding one lets it come due again.
   */
  List<DueWebhook> claimDueWebhooks(Instant now, Duration holdFor, int limit);

  /** Replaces a task's stored delivery (after an attempt); does nothing when the task is gone. */
  void updateWebhook(TaskId id, WebhookDelivery delivery);

  /**
   * Where this backend keeps the tasks' messages to other systems until they are sent (the PostgreSQL and
   * Redis backends do); empty by default, as for a backend that a crash empties anyway.
   */
  default Optional<MessageOutbox> messageOutbox() {
    return Optional.empty();
  }
}
