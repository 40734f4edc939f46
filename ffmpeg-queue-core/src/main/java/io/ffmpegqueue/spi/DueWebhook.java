package io.ffmpegqueue.spi;

import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.WebhookDelivery;
import java.util.Objects;

/**
 * A webhook delivery due for an attempt, as {@link WebhookOutbox#claimDueWebhooks} hands it out.
 *
 * @param taskId the task whose end it reports
 * @param delivery the delivery as stored before this attempt (its next attempt moved on by the hold)
 */
public record DueWebhook(TaskId taskId, WebhookDelivery delivery) {
  /** Checks the fields. */
  public DueWebhook {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(delivery, "delivery");
  }
}
