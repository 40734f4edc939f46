package io.ffmpegqueue.amqp;

import io.ffmpegqueue.FfmpegQueueClient;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.spi.DueWebhook;
import io.ffmpegqueue.spi.MessageOutbox;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * Keeps each Celery task's result, and its final event, with the task in the backend until the broker has
 * confirmed both, so that a process that dies between the task's end and the confirm loses neither. The intake
 * adds a delivery ({@value #DELIVERY_ID}, target {@code amqp:celery-result}) to the backend's
 * {@link MessageOutbox} when it takes a Celery message that waits for a result; the bridge that publishes the
 * task's end removes it once both messages are confirmed. A thread ({@code ffq-amqp-outbox}) claims the due
 * deliveries of every process: a task still open is looked at again later (the longer it has been open, the
 * later, up to {@link Timings#maxRecheck}), one that ended less than {@link Timings#grace} ago is left to the
 * process that ended it, and one that ended before has its result and final event made from the task and
 * published again (the Celery client takes a repeated result as the same one). On a backend without a message
 * outbox (in memory, which a crash empties anyway) it does nothing.
 */
final class ResultOutbox implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResultOutbox.class);
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
  private final BlockingQueue<TaskId> sent = new LinkedBlockingQueue<>();
  private final AtomicLong republished = new AtomicLong();
  private final AtomicLong kept = new AtomicLong();
  private final AtomicLong removed = new AtomicLong();
  private final Thread thread;
  private volatile boolean closed;

  ResultOutbox(FfmpegQueueClient client, CeleryReplies replies, EventPublisher events, Timings timings) {
    this.store = client.messageOutbox().orElse(null);
    this.client = client;
    this.replies = replies;
    this.events = events;
    this.timings = timings;
    if (store == null) {
      this.thread = null;
    } else {
      this.thread = new Thread(this::loop, "ffq-amqp-outbox");
      this.thread.setDaemon(true);
      this.thread.start();
    }
  }

  /** Whether results are kept (the backend has a message outbox). */
  boolean active() {
    return store != null;
  }

  /** Stores the result delivery of a Celery task that was just stored; before its message is acknowledged. */
  void keep(TaskId id) {
    if (store == null) {
      return;
    }
    store.addMessage(id, new WebhookDelivery(DELIVERY_ID, TARGET, WebhookDelivery.State.PENDING, List.of(),
        Instant.now().plus(timings.firstCheck())));
    kept.incrementAndGet();
    boolean alreadySent;
    synchronized (recent) {
      alreadySent = recent.remove(id) != null;
    }
    if (alreadySent) {
      sent.add(id); // it ended, and its messages were confirmed, before the delivery was stored
    }
  }

  /**
   * A final event this process published, with the futures of its event and its Celery result: once both are
   * confirmed, the task's delivery goes.
   */
  void published(TaskEvent e, CompletableFuture<Void> event, CompletableFuture<Void> result) {
    if (store == null || e.remote() || !e.type().isFinal()
        || !e.task().request().metadata().containsKey(CeleryReplies.REPLY_TO_KEY)) {
      return;
    }
    CompletableFuture.allOf(event, result).thenRun(() -> sent(e.taskId()));
  }

  private void sent(TaskId id) {
    synchronized (recent) {
      recent.put(id, Boolean.TRUE);
    }
    sent.add(id);
  }

  /** Results published again from the outbox (a process ended their task and did not see them confirmed). */
  long republished() {
    return republished.get();
  }

  /** Deliveries stored, and removed once confirmed. */
  long kept() {
    return kept.get();
  }

  long removed() {
    return removed.get();
  }

  private void loop() {
    long nextClaim = System.nanoTime();
    while (!closed) {
      try {
        TaskId id = sent.poll(Math.max(1, (nextClaim - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
        if (id != null) {
          List<TaskId> ids = new ArrayList<>(List.of(id));
          sent.drainTo(ids);
          remove(ids);
        }
        if (System.nanoTime() - nextClaim >= 0) {
          nextClaim = System.nanoTime() + timings.poll().toNanos();
          while (!closed && sweep() == BATCH) {
            // a full batch: there may be more due now
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("the result outbox could not be read or written: {}", e.toString());
      }
    }
  }

  private void remove(List<TaskId> ids) {
    for (TaskId id : ids) {
      store.removeMessage(id, DELIVERY_ID);
      removed.incrementAndGet();
    }
  }

  /** Claims a batch of due deliveries and handles each; returns how many it claimed. */
  private int sweep() {
    Instant now = Instant.now();
    List<DueWebhook> due = store.claimDueMessages(now, timings.hold(), BATCH);
    for (DueWebhook d : due) {
      if (!d.delivery().deliveryId().equals(DELIVERY_ID)) {
        continue; // another sender's; it comes due again after the hold
      }
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
        if (ended.plus(timings.grace()).isAfter(now)) {
          store.updateMessage(d.taskId(), due(d, ended.plus(timings.grace())));
        } else {
          republish(task, ended);
        }
      }
    }
    return due.size();
  }

  private void republish(Task task, Instant ended) {
    TaskEvent.Type type = switch (task.status()) {
      case COMPLETED -> TaskEvent.Type.COMPLETED;
      case FAILED -> TaskEvent.Type.FAILED;
      default -> TaskEvent.Type.CANCELLED;
    };
    TaskEvent e = new TaskEvent(type, task, null, ended);
    CompletableFuture<Void> result = replies.publish(e);
    CompletableFuture<Void> event = events.publish(e);
    republished.incrementAndGet();
    log.info("task {}: publishing its Celery result and final event again from the outbox", task.id());
    CompletableFuture.allOf(event, result).thenRun(() -> sent(task.id()));
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
    List<TaskId> left = new ArrayList<>();
    sent.drainTo(left);
    try {
      remove(left);
    } catch (RuntimeException e) {
      log.debug("could not remove the deliveries of {} confirmed result(s); they are published again", left.size(), e);
    }
  }
}
