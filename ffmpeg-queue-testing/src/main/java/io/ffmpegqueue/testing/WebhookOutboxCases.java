package io.ffmpegqueue.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.DueWebhook;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.WebhookOutbox;
import io.ffmpegqueue.testing.QueueBackendContract.Limits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * For a backend that is also a webhook outbox: exactly one due delivery per task with a webhook URL that
 * ends. Part of {@link QueueBackendContract}.
 */
abstract class WebhookOutboxCases {
  /** A new backend with no tasks and the given limits, closed after the test. */
  abstract QueueBackend backend(Limits limits);

  QueueBackend backend() {
    return backend(Limits.defaults());
  }

  private QueueBackend webhookBackend(Limits limits) {
    QueueBackend b = backend(limits);
    Assumptions.assumeTrue(b instanceof WebhookOutbox, "the backend is no webhook outbox");
    return b;
  }

  private static WebhookOutbox outbox(QueueBackend b) {
    return (WebhookOutbox) b;
  }

  /** The task's delivery is there, new and due now. */
  private static void assertNewDelivery(QueueBackend b, TaskId id) {
    WebhookDelivery d = outbox(b).findWebhook(id).orElseThrow(() -> new AssertionError("task " + id + " has no delivery"));
    assertEquals(WebhookDelivery.deliveryIdOf(id), d.deliveryId(), "the delivery id derives from the task id");
    assertEquals(QueueBackendContract.HOOK, d.url());
    assertEquals(WebhookDelivery.State.PENDING, d.state());
    assertTrue(d.attempts().isEmpty(), "no attempt yet");
    assertNotNull(d.nextAttemptAt());
    assertFalse(d.nextAttemptAt().isAfter(Instant.now()), "due at once");
  }

  /** The tasks of the deliveries due now, each once, held for a minute. */
  private static List<TaskId> claimDueWebhooks(QueueBackend b) {
    return outbox(b).claimDueWebhooks(Instant.now(), Duration.ofMinutes(1), 100).stream().map(DueWebhook::taskId).toList();
  }

  @Test
  void a_task_with_a_webhook_that_a_worker_ends_leaves_exactly_one_due_delivery() throws Exception {
    QueueBackend b = webhookBackend(Limits.defaults());
    b.enqueue(QueueBackendContract.webhookTask(3, null));
    Lease plain = QueueBackendContract.claimOne(b);
    b.finish(plain, new Outcome.Completed(List.of()));
    List<TaskId> ended = new ArrayList<>();
    List<TaskId> notEnded = new ArrayList<>();
    for (Outcome o : List.of(new Outcome.Completed(List.of()),
        new Outcome.Failed(TaskError.of(ErrorKind.FFMPEG, "ffmpeg exited with 1"), null),
        new Outcome.Cancelled("cancelled while running"),
        new Outcome.Failed(TaskError.of(ErrorKind.INPUT, "HTTP 503"), Instant.now().plusSeconds(60)),
        new Outcome.Released())) {
      b.enqueue(QueueBackendContract.webhookTask(3, QueueBackendContract.HOOK));
      Lease l = QueueBackendContract.claimOne(b);
      Task after = b.finish(l, o);
      (after.status().isFinal() ? ended : notEnded).add(l.taskId()); // the released one comes last
    }

    assertEquals(3, ended.size());
    for (TaskId id : ended) {
      assertNewDelivery(b, id);
    }
    for (TaskId id : notEnded) {
      assertFalse(outbox(b).findWebhook(id).isPresent(), "a task that goes on has no delivery");
    }
    assertFalse(outbox(b).findWebhook(plain.taskId()).isPresent(), "a task without a webhook URL has no delivery");
    List<TaskId> due = claimDueWebhooks(b);
    assertEquals(Set.copyOf(ended), Set.copyOf(due));
    assertEquals(ended.size(), due.size(), "each delivery once");
    assertTrue(claimDueWebhooks(b).isEmpty(), "claimed deliveries are held");
  }

  @Test
  void cancelling_a_pending_task_with_a_webhook_leaves_exactly_one_due_delivery() throws Exception {
    QueueBackend b = webhookBackend(Limits.defaults());
    b.enqueue(QueueBackendContract.webhookTask(3, QueueBackendContract.HOOK));
    Lease running = QueueBackendContract.claimOne(b);
    Task t = QueueBackendContract.webhookTask(3, QueueBackendContract.HOOK);
    b.enqueue(t);
    assertTrue(b.cancel(t.id()).orElseThrow().changed());
    assertTrue(b.cancel(running.taskId()).orElseThrow().changed());
    assertFalse(b.cancel(t.id()).orElseThrow().changed());

    assertNewDelivery(b, t.id());
    assertFalse(outbox(b).findWebhook(running.taskId()).isPresent(), "a running task whose cancel is requested goes on");
    assertEquals(List.of(t.id()), claimDueWebhooks(b));
  }

  @Test
  void a_task_with_a_webhook_whose_lease_expires_for_good_leaves_exactly_one_due_delivery() throws Exception {
    QueueBackend b = webhookBackend(Limits.defaults());
    Task last = QueueBackendContract.webhookTask(1, QueueBackendContract.HOOK);
    Task retried = QueueBackendContract.webhookTask(3, QueueBackendContract.HOOK);
    b.enqueue(last);
    b.enqueue(retried);
    assertEquals(2, b.claim(new ClaimRequest("worker-dead", 2, Duration.ofMillis(200), QueueBackendContract.PROMPTLY)).size());
    List<Task> reaped = new ArrayList<>();
    Await.until("both leases to expire and be reaped", QueueBackendContract.PROMPTLY, () -> {
      reaped.addAll(b.reapExpiredLeases());
      return reaped.size() == 2;
    });
    assertEquals(TaskStatus.FAILED, b.find(last.id()).orElseThrow().status());
    assertEquals(TaskStatus.PENDING, b.find(retried.id()).orElseThrow().status());

    assertNewDelivery(b, last.id());
    assertFalse(outbox(b).findWebhook(retried.id()).isPresent(), "a task that will run again has no delivery");
    assertEquals(List.of(last.id()), claimDueWebhooks(b));
  }

  @Test
  void retention_removes_a_tasks_delivery_with_the_task() throws Exception {
    QueueBackend b = webhookBackend(new Limits(100, Duration.ofHours(1), 1));
    List<TaskId> ids = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Task t = QueueBackendContract.webhookTask(3, QueueBackendContract.HOOK);
      ids.add(t.id());
      b.enqueue(t);
      b.finish(QueueBackendContract.claimOne(b), new Outcome.Completed(List.of()));
    }
    b.prune();
    assertFalse(b.find(ids.get(0)).isPresent(), "the older task is pruned");
    assertFalse(outbox(b).findWebhook(ids.get(0)).isPresent(), "and its delivery with it");
    outbox(b).updateWebhook(ids.get(0), WebhookDelivery.first(ids.get(0), QueueBackendContract.HOOK, Instant.now()));
    assertFalse(outbox(b).findWebhook(ids.get(0)).isPresent(), "a late attempt's record brings back no delivery");
    assertTrue(outbox(b).findWebhook(ids.get(1)).isPresent(), "the kept task keeps its delivery");
    assertEquals(List.of(ids.get(1)), claimDueWebhooks(b));
  }
}
