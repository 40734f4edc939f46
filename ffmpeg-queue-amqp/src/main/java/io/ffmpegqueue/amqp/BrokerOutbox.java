package io.ffmpegqueue.amqp;

import io.ffmpegqueue.FfmpegQueueClient;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.spi.DueWebhook;
import io.ffmpegqueue.spi.MessageOutbox;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what this process owes the broker with the task in the backend until the broker has confirmed it, so
 * that a process that dies before the confirm loses nothing: each Celery task's result, and every event this
 * process made. The intake adds a result delivery ({@value #DELIVERY_ID}, target {@code amqp:celery-result})
 * to the backend's {@link MessageOutbox} when it takes a Celery message that waits for a result; {@link
 * #publish} has an {@link EventKeeper} add one delivery per other event ({@link KeptEvent}, many per round
 * trip) before the event is published (a Celery task's final event goes with its result), and each delivery
 * goes once the broker confirmed its messages (for a {@code STARTED} event, also the Celery {@code STARTED}
 * state it answers). A thread ({@code ffq-amqp-outbox}) claims the due deliveries of every process. A result
 * delivery whose task is still open is looked at again later (the longer it has been open, the later, up to
 * {@link Timings#maxRecheck}); one whose task ended less than {@link Timings#grace} plus {@link
 * Timings#firstCheck} ago is left to the process that ended it (and its other events come due first); one
 * whose task ended before has its result and final event made from the task and published again (the Celery
 * client takes a repeated result as the same one). An event delivery still there {@link Timings#firstCheck}
 * after its event has the event made again from its id and the task as it is now, and published again (with
 * the same message id). On a backend without a message outbox (in memory, which a crash empties anyway)
 * events and results are published without being kept.
 */
final class BrokerOutbox implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BrokerOutbox.class);
  /** The id of a task's result delivery. */
  static final String DELIVERY_ID = "amqp-celery-result";
  static final URI TARGET = URI.create("amqp:celery-result");
  private static final int BATCH = 64;
  // Ten seconds of tasks at a thousand a second: the race it covers lasts milliseconds.
  private static final int MAX_RECENT = 10_000;

  /**
   * When deliveries are looked at.
   *
   * @param firstCheck after the task was taken in, when its delivery is first due
   * @param grace how long after a task's end its delivery is left to the process that ended it
   * @param maxRecheck the longest wait between two looks at an open task
   * @param hold how long a claimed delivery is held (its publish and confirm must fit)
   * @param poll how often due deliveries are claimed
   */
  record Timings(Duration firstCheck, Duration grace, Duration maxRecheck, Duration hold, Duration poll) {
    static final Timings DEFAULT = new Timings(Duration.ofSeconds(30), Duration.ofSeconds(30),
        Duration.ofMinutes(5), Duration.ofSeconds(60), Duration.ofSeconds(5));
  }

  private final MessageOutbox store;
  private final FfmpegQueueClient client;
  private final CeleryReplies replies;
  private final EventPublisher events;
  private final Timings timings;
  // Tasks whose messages were confirmed, for an add that comes after (a task that ended before its delivery
  // was stored); guarded by itself.
  private final Map<TaskId, Boolean> recent = new LinkedHashMap<>(16, 0.75f, false) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<TaskId, Boolean> eldest) {
      return size() > MAX_RECENT;
    }
  };
  // Deliveries whose messages the broker confirmed, for the outbox thread to remove.
  private final BlockingQueue<MessageOutbox.Message> sent = new LinkedBlockingQueue<>();
  private final AtomicLong republished = new AtomicLong();
  private final AtomicLong republishedEvents = new AtomicLong();
  private final Thread thread;
  private final EventKeeper keeper;
  private volatile boolean closed;

  BrokerOutbox(FfmpegQueueClient client, CeleryReplies replies, EventPublisher events, Timings timings) {
    this.store = client.messageOutbox().orElse(null);
    this.client = client;
    this.replies = replies;
    this.events = events;
    this.timings = timings;
    if (store == null) {
      this.thread = null;
      this.keeper = null;
    } else {
      this.keeper = new EventKeeper(store, timings.firstCheck(), BrokerOutbox::celeryEnd, this::send);
      this.thread = new Thread(this::loop, "ffq-amqp-outbox");
      this.thread.setDaemon(true);
      this.thread.start();
    }
  }

  /** Stores the result delivery of a Celery task that was just stored; before its message is acknowledged. */
  void keep(TaskId id) {
    if (store == null) {
      return;
    }
    store.addMessage(id, resultDelivery(Instant.now().plus(timings.firstCheck())));
    boolean alreadySent;
    synchronized (recent) {
      alreadySent = recent.remove(id) != null;
    }
    if (alreadySent) {
      sent.add(new MessageOutbox.Message(id, resultDelivery(null))); // it ended, and its result was confirmed, before the delivery was stored
    }
  }

  /**
   * Publishes an event of this process and the Celery state it answers, after keeping the event in the backend
   * (when it has a message outbox); each delivery goes once its messages are confirmed. Events of other
   * processes are theirs to publish.
   */
  void publish(TaskEvent e) {
    if (e.remote()) {
      return;
    }
    if (keeper == null) {
      send(e, null);
    } else {
      keeper.add(e);
    }
  }

  /** A Celery task's end is kept from its intake on, by its result delivery, which publishes both again. */
  private static boolean celeryEnd(TaskEvent e) {
    return e.type().isFinal() && e.task().request().metadata().containsKey(CeleryReplies.REPLY_TO_KEY);
  }

  /** Publishes an event and the Celery state it answers; the deliveries kept for them go once confirmed. */
  private void send(TaskEvent e, WebhookDelivery eventDelivery) {
    // The client's answer first: it is what a Celery client waits for.
    CompletableFuture<Void> result = replies.publish(e); // a STARTED event's answer goes with the event
    CompletableFuture<Void> event = events.publish(e);
    CompletableFuture<Void> both = CompletableFuture.allOf(event, result);
    if (eventDelivery != null) {
      both.thenRun(() -> sent.add(new MessageOutbox.Message(e.taskId(), eventDelivery)));
    }
    if (store != null && celeryEnd(e)) {
      both.thenRun(() -> resultSent(e.taskId()));
    }
  }

  private void resultSent(TaskId id) {
    synchronized (recent) {
      recent.put(id, Boolean.TRUE);
    }
    sent.add(new MessageOutbox.Message(id, resultDelivery(null)));
  }

  /** A task's result delivery, due at {@code due}. */
  private static WebhookDelivery resultDelivery(Instant due) {
    return new WebhookDelivery(DELIVERY_ID, TARGET, WebhookDelivery.State.PENDING, List.of(), due);
  }

  /** Results published again from the outbox (a process ended their task and did not see them confirmed). */
  long republished() {
    return republished.get();
  }

  /** Events published again from the outbox. */
  long republishedEvents() {
    return republishedEvents.get();
  }

  private void loop() {
    long nextClaim = System.nanoTime();
    while (!closed) {
      try {
        MessageOutbox.Message done = sent.poll(Math.max(1, (nextClaim - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
        if (done != null) {
          List<MessageOutbox.Message> all = new ArrayList<>(List.of(done));
          sent.drainTo(all);
          store.removeMessages(all);
        }
        if (System.nanoTime() - nextClaim >= 0) {
          nextClaim = System.nanoTime() + timings.poll().toNanos();
          List<DueWebhook> results = new ArrayList<>();
          while (!closed && sweep(results) == BATCH) {
            // a full batch: there may be more due now
          }
          // After every due event, so that a task's final event goes out again after its others.
          for (DueWebhook d : results) {
            result(d, Instant.now());
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("the result outbox could not be read or written: {}", e.toString());
      }
    }
  }

  /** Publishes the events still waiting to be kept; before the publisher closes. */
  void flush() {
    if (keeper != null) {
      keeper.close();
    }
  }

  /**
   * Claims a batch of due deliveries: publishes the events again, in the order they happened, and adds the
   * result deliveries to {@code results}; returns how many it claimed.
   */
  private int sweep(List<DueWebhook> results) {
    List<DueWebhook> due = new ArrayList<>(store.claimDueMessages(Instant.now(), timings.hold(), BATCH));
    due.sort(Comparator.comparing((DueWebhook d) -> KeptEvent.isEvent(d.delivery().deliveryId())
        ? KeptEvent.at(d.delivery().deliveryId()) : Instant.MAX));
    for (DueWebhook d : due) {
      String deliveryId = d.delivery().deliveryId();
      if (deliveryId.equals(DELIVERY_ID)) {
        results.add(d);
      } else if (KeptEvent.isEvent(deliveryId)) {
        Task task = client.find(d.taskId()).orElse(null);
        if (task == null) {
          store.removeMessage(d.taskId(), deliveryId); // pruned
        } else {
          republish(KeptEvent.event(task, d.delivery()), d.delivery());
        }
      }
      // else another sender's: it comes due again after the hold
    }
    return due.size();
  }

  private void result(DueWebhook d, Instant now) {
    Task task = client.find(d.taskId()).orElse(null);
    if (task == null) {
      store.removeMessage(d.taskId(), DELIVERY_ID); // pruned, or never stored
    } else if (!task.status().isFinal()) {
      Duration open = Duration.between(task.createdAt(), now);
      Duration wait = open.dividedBy(2);
      wait = wait.compareTo(timings.firstCheck()) < 0 ? timings.firstCheck()
          : wait.compareTo(timings.maxRecheck()) > 0 ? timings.maxRecheck() : wait;
      store.updateMessage(d.taskId(), due(d, now.plus(wait)));
    } else {
      Instant ended = task.finishedAt() == null ? now : task.finishedAt();
      // Not before every earlier event of the task came due (firstCheck after it was kept), so that they go
      // out again first.
      Instant after = ended.plus(timings.grace()).plus(timings.firstCheck());
      if (after.isAfter(now)) {
        store.updateMessage(d.taskId(), due(d, after));
      } else {
        TaskEvent.Type type = switch (task.status()) {
          case COMPLETED -> TaskEvent.Type.COMPLETED;
          case FAILED -> TaskEvent.Type.FAILED;
          default -> TaskEvent.Type.CANCELLED;
        };
        TaskEvent end = new TaskEvent(type, task, null, ended);
        republished.incrementAndGet();
        log.info("task {}: publishing its Celery result and final event again from the outbox", task.id());
        CompletableFuture.allOf(events.publish(end), replies.publish(end)).thenRun(() -> resultSent(task.id()));
      }
    }
  }

  /**
   * Publishes a kept event again; a STARTED one also answers its Celery client again while the task still runs
   * (a later state must not be followed by an earlier one).
   */
  private void republish(TaskEvent e, WebhookDelivery delivery) {
    CompletableFuture<Void> event = events.publish(e);
    CompletableFuture<Void> answer = e.type() == TaskEvent.Type.STARTED && e.task().status() == TaskStatus.RUNNING
        ? replies.publish(e) : CompletableFuture.completedFuture(null);
    republishedEvents.incrementAndGet();
    log.info("task {}: publishing its {} event again from the outbox", e.taskId(), e.type());
    CompletableFuture.allOf(event, answer).thenRun(() -> sent.add(new MessageOutbox.Message(e.taskId(), delivery)));
  }

  private static WebhookDelivery due(DueWebhook d, Instant next) {
    WebhookDelivery w = d.delivery();
    return new WebhookDelivery(w.deliveryId(), w.url(), w.state(), w.attempts(), next);
  }

  /** Stops the thread, after removing the deliveries of the results confirmed so far. */
  @Override
  public void close() {
    if (thread == null) {
      return;
    }
    closed = true;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<MessageOutbox.Message> left = new ArrayList<>();
    sent.drainTo(left);
    try {
      store.removeMessages(left);
    } catch (RuntimeException e) {
      log.debug("could not remove {} delivery(ies) of confirmed messages; they are published again", left.size(), e);
    }
  }
}
