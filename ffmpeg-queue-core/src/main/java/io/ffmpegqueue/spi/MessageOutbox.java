package io.ffmpegqueue.spi;

import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.WebhookDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The part of a {@link WebhookOutbox} that keeps a task's messages to other systems (a message broker's result
 * or event) with the task until they are sent, reached through {@link WebhookOutbox#messageOutbox()}. Unlike a
 * webhook delivery, which the backend stores when the task ends, a message delivery is added by the process
 * that takes the task in (any time after it is stored), under an id of its choosing, beside the task's webhook
 * delivery and its other messages; the sender makes the message from the task when it comes due, and removes
 * the delivery once the receiver has it. Any process may claim a due one, so a process that dies before its
 * message was confirmed leaves it to the others. A task's deliveries go with the task.
 *
 * <p>The {@link WebhookDelivery} record is reused: {@code deliveryId} names the delivery within its task,
 * {@code url} is its target (for example {@code amqp:celery-result}), {@code attempts} stays as the sender keeps
 * it and {@code state} is PENDING while it is kept.
 */
public interface MessageOutbox {

  /**
   * Stores {@code delivery} for task {@code id} unless the task already has one with the same
   * {@code deliveryId}; returns false when the task is not there.
   */
  boolean addMessage(TaskId id, WebhookDelivery delivery);

  /**
   * Stores each delivery as {@link #addMessage} does (a task that is not there gets none), in as few round
   * trips as the backend can: for a sender that keeps many messages a second (a broker's events). The default
   * adds them one by one.
   */
  default void addMessages(List<Message> messages) {
    for (Message m : messages) {
      addMessage(m.taskId(), m.delivery());
    }
  }

  /** Removes each delivery as {@link #removeMessage} does, in as few round trips as the backend can. */
  default void removeMessages(List<Message> messages) {
    for (Message m : messages) {
      removeMessage(m.taskId(), m.delivery().deliveryId());
    }
  }

  /**
   * A delivery of a task, for {@link #addMessages} and {@link #removeMessages} (which reads only its
   * {@code deliveryId}).
   *
   * @param taskId the task
   * @param delivery the delivery
   */
  record Message(TaskId taskId, WebhookDelivery delivery) {
    /** Checks that both are there. */
    public Message {
      java.util.Objects.requireNonNull(taskId, "taskId");
      java.util.Objects.requireNonNull(delivery, "delivery");
    }
  }

  /**
   * Takes up to {@code limit} deliveries due at {@code now} and holds them for {@code holdFor} (moves their
   * next attempt that far on), so that no other process claims them meanwhile.
   */
  List<DueWebhook> claimDueMessages(Instant now, Duration holdFor, int limit);

  /** Replaces a stored delivery (its next attempt, its attempts); does nothing when it is gone. */
  void updateMessage(TaskId id, WebhookDelivery delivery);

  /** Removes a delivery, once its message was sent; does nothing when it is gone. */
  void removeMessage(TaskId id, String deliveryId);
}
