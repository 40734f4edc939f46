package io.ffmpegqueue.bench.amqp;

import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.spi.DueWebhook;
import io.ffmpegqueue.spi.ForwardingQueueBackend;
import io.ffmpegqueue.spi.MessageOutbox;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.WebhookOutbox;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A backend as its delegate, but without a message outbox: the bridge on it keeps no result in the backend,
 * for the benchmark's arm that measures what keeping them costs.
 */
final class OutboxToggle extends ForwardingQueueBackend implements WebhookOutbox {
  private final WebhookOutbox webhooks;

  OutboxToggle(QueueBackend delegate) {
    super(delegate);
    this.webhooks = WebhookOutbox.of(delegate).orElseThrow();
  }

  @Override
  public Optional<WebhookDelivery> findWebhook(TaskId id) {
    return webhooks.findWebhook(id);
  }

  @Override
  public List<DueWebhook> claimDueWebhooks(Instant now, Duration holdFor, int limit) {
    return webhooks.claimDueWebhooks(now, holdFor, limit);
  }

  @Override
  public void updateWebhook(TaskId id, WebhookDelivery delivery) {
    webhooks.updateWebhook(id, delivery);
  }

  @Override
  public Optional<MessageOutbox> messageOutbox() {
    return Optional.empty();
  }
}
