package io.ffmpegqueue.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.spi.DueWebhook;
import io.ffmpegqueue.spi.MessageOutbox;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.WebhookOutbox;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * For a backend whose webhook outbox also keeps messages ({@link WebhookOutbox#messageOutbox()}): a message
 * delivery is kept for a stored task only, once per id, handed out when due and held, rescheduled, and gone once
 * removed. Part of {@link QueueBackendContract}.
 */
abstract class MessageOutboxCases extends WebhookOutboxCases {

  private static WebhookDelivery message(Instant due) {
    return new WebhookDelivery("broker-result", URI.create("amqp:celery-result"), WebhookDelivery.State.PENDING,
        List.of(), due);
  }

  /**
   * Whether the backend under test keeps messages ({@link WebhookOutbox#messageOutbox()} present), as the
   * PostgreSQL and Redis backends do; false by default, as for the in-memory backend (a crash empties it
   * anyway). Override to return true for a backend that keeps them, so that the contract checks how.
   *
   * @return whether the backend keeps messages
   */
  protected boolean keepsMessages() {
    return false;
  }

  @Test
  void a_message_kept_with_a_task_is_handed_out_when_due_held_rescheduled_and_gone_once_removed() {
    QueueBackend b = backend();
    MessageOutbox m = WebhookOutbox.of(b).flatMap(WebhookOutbox::messageOutbox).orElse(null);
    if (!keepsMessages()) {
      assertNull(m, "keepsMessages() says no, but the backend has a message outbox: override it to return true");
      return;
    }
    assertNotNull(m, "keepsMessages() says yes, but the backend has no message outbox");
    Task t = QueueBackendContract.webhookTask(3, null);
    b.enqueue(t);
    Instant now = Instant.now();

    assertTrue(m.addMessage(t.id(), message(now.minusSeconds(1))));
    assertTrue(m.addMessage(t.id(), message(now.plus(Duration.ofDays(1)))), "the task is there");
    assertFalse(m.addMessage(TaskId.of("no-such-task"), message(now)), "no task, no message");
    List<DueWebhook> due = m.claimDueMessages(now, Duration.ofMinutes(1), 10);
    assertEquals(1, due.size(), "the first one kept, due now: " + due);
    assertEquals(t.id(), due.get(0).taskId());
    assertEquals("broker-result", due.get(0).delivery().deliveryId());
    assertEquals(URI.create("amqp:celery-result"), due.get(0).delivery().url());
    assertTrue(m.claimDueMessages(now, Duration.ofMinutes(1), 10).isEmpty(), "a claimed one is held");
    assertFalse(WebhookOutbox.of(b).orElseThrow().findWebhook(t.id()).isPresent(), "no webhook delivery comes of it");

    m.updateMessage(t.id(), message(now.minusSeconds(1)));
    assertEquals(1, m.claimDueMessages(now, Duration.ofMinutes(1), 10).size(), "due again once rescheduled");
    m.removeMessage(t.id(), "broker-result");
    m.updateMessage(t.id(), message(now.minusSeconds(1)));
    assertTrue(m.claimDueMessages(now.plus(Duration.ofDays(2)), Duration.ofMinutes(1), 10).isEmpty(),
        "a removed one is gone, and a late reschedule does not bring it back");
  }

  @Test
  void messages_kept_and_removed_in_one_call_are_each_kept_and_removed() {
    QueueBackend b = backend();
    MessageOutbox m = WebhookOutbox.of(b).flatMap(WebhookOutbox::messageOutbox).orElse(null);
    if (!keepsMessages()) {
      assertNull(m, "keepsMessages() says no, but the backend has a message outbox: override it to return true");
      return;
    }
    Task t = QueueBackendContract.webhookTask(3, null);
    Task u = QueueBackendContract.webhookTask(3, null);
    b.enqueue(t);
    b.enqueue(u);
    Instant now = Instant.now();
    WebhookDelivery first = new WebhookDelivery("event-1", URI.create("amqp:event?fraction=0.5"),
        WebhookDelivery.State.PENDING, List.of(), now.minusSeconds(2));
    WebhookDelivery second = new WebhookDelivery("event-2", URI.create("amqp:event"), WebhookDelivery.State.PENDING,
        List.of(), now.minusSeconds(1));

    m.addMessages(List.of(new MessageOutbox.Message(t.id(), first), new MessageOutbox.Message(t.id(), second),
        new MessageOutbox.Message(u.id(), first), new MessageOutbox.Message(TaskId.of("no-such-task"), first),
        new MessageOutbox.Message(t.id(), first)));
    List<DueWebhook> due = m.claimDueMessages(now, Duration.ofMinutes(1), 10);
    assertEquals(3, due.size(), "one per task and id, none for a missing task: " + due);
    assertTrue(due.stream().anyMatch(d -> d.taskId().equals(t.id()) && d.delivery().deliveryId().equals("event-1")
        && d.delivery().url().equals(URI.create("amqp:event?fraction=0.5"))), "its target as given: " + due);

    m.removeMessages(List.of(new MessageOutbox.Message(t.id(), first), new MessageOutbox.Message(u.id(), first)));
    m.updateMessage(t.id(), second);
    List<DueWebhook> left = m.claimDueMessages(now, Duration.ofMinutes(1), 10);
    assertEquals(1, left.size(), "only the one not removed: " + left);
    assertEquals("event-2", left.get(0).delivery().deliveryId());
  }
}
