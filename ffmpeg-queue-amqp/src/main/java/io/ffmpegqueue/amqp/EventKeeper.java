package io.ffmpegqueue.amqp;

import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.spi.MessageOutbox;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps events in the backend's message outbox before they are published, many per round trip: one thread
 * ({@code ffq-amqp-keeper}) takes the events in the order they came, stores a delivery ({@link KeptEvent}) for
 * each of a batch in one {@link MessageOutbox#addMessages} call, then hands them on in the same order. One
 * insert per event on the listener's thread would make the backend's round trip the bound on events per second.
 */
final class EventKeeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventKeeper.class);
  private static final int BATCH = 256;

  private final MessageOutbox store;
  private final Duration firstCheck;
  private final Predicate<TaskEvent> keptElsewhere;
  private final BiConsumer<TaskEvent, WebhookDelivery> send;
  private final BlockingQueue<TaskEvent> waiting = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closing;

  /**
   * @param firstCheck how long after it is kept a delivery is first due
   * @param keptElsewhere events that need no delivery of their own (a Celery task's end)
   * @param send publishes an event, with its delivery or {@code null} when it has none
   */
  EventKeeper(MessageOutbox store, Duration firstCheck, Predicate<TaskEvent> keptElsewhere,
      BiConsumer<TaskEvent, WebhookDelivery> send) {
    this.store = store;
    this.firstCheck = firstCheck;
    this.keptElsewhere = keptElsewhere;
    this.send = send;
    this.thread = new Thread(this::loop, "ffq-amqp-keeper");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Keeps, then publishes, {@code e}, after the events added before it. */
  void add(TaskEvent e) {
    waiting.add(e);
  }

  private void loop() {
    while (true) {
      TaskEvent first;
      try {
        first = waiting.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        first = null;
        closing = true;
      }
      if (first == null) {
        if (closing && waiting.isEmpty()) {
          return;
        }
        continue;
      }
      List<TaskEvent> batch = new ArrayList<>(List.of(first));
      waiting.drainTo(batch, BATCH - 1);
      keepAndSend(batch);
    }
  }

  private void keepAndSend(List<TaskEvent> batch) {
    Instant due = Instant.now().plus(firstCheck);
    List<MessageOutbox.Message> messages = new ArrayList<>(batch.size());
    List<WebhookDelivery> kept = new ArrayList<>(batch.size());
    for (TaskEvent e : batch) {
      if (keptElsewhere.test(e)) {
        kept.add(null);
      } else {
        WebhookDelivery d = KeptEvent.delivery(e, due);
        messages.add(new MessageOutbox.Message(e.taskId(), d));
        kept.add(d);
      }
    }
    try {
      store.addMessages(messages);
    } catch (RuntimeException x) {
      // Published all the same: only a crash before their confirm could lose them now.
      log.warn("could not keep {} event(s) in the backend: {}", messages.size(), x.toString());
      kept.replaceAll(d -> null);
    }
    for (int i = 0; i < batch.size(); i++) {
      try {
        send.accept(batch.get(i), kept.get(i));
      } catch (RuntimeException x) {
        log.warn("task {}: could not publish its {} event: {}", batch.get(i).taskId(), batch.get(i).type(), x.toString());
      }
    }
  }

  /** Publishes what is waiting, then stops the thread (within 10 s). */
  @Override
  public void close() {
    closing = true;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
    }
  }
}
