package io.ffmpegqueue.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes every message until the broker confirms it. One thread takes messages in arrival order and
 * publishes them on a channel in confirm mode without waiting for each confirm: up to {@value #WINDOW} wait for
 * theirs at once, and the broker's confirms (often one for many) complete them as they come. A nack publishes
 * the message again; a lost connection, or a confirm that does not come within 10 s, publishes everything
 * unconfirmed again, in order, once the connection is back (the client recovers it by itself). So a message
 * may arrive twice but is never lost while this process lives, and the messages of one task keep their order
 * (but for a nacked one, which the broker sends only on an internal error). Results go to Celery's reply
 * queues through {@link ReplyQueues}.
 */
final class ConfirmedPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConfirmedPublisher.class);
  /** The most messages published and not yet confirmed. */
  static final int WINDOW = 2048;
  private static final long CONFIRM_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

  /**
   * A message to publish; {@link #confirmed} completes when the broker has it. With {@code replyQueue}, the
   * routing key names a Celery client's reply queue, declared first as the client declares it (Celery's own
   * worker does the same), so that results published after a broker restart wait there for the client.
   */
  record Message(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body,
      boolean replyQueue, CompletableFuture<Void> confirmed) {
    Message(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) {
      this(exchange, routingKey, props, body, false, new CompletableFuture<>());
    }

    static Message toReplyQueue(String queue, AMQP.BasicProperties props, byte[] body) {
      // Published as mandatory; the message id tells a returned one from the rest.
      AMQP.BasicProperties withId = props.builder().messageId(UUID.randomUUID().toString()).build();
      return new Message("", queue, withId, body, true, new CompletableFuture<>());
    }
  }

  private record Outstanding(Message message, long publishedAt) {}

  /** A message to publish again: nacked, or returned by the broker (its reply queue was gone). */
  private record Back(Message message, boolean returned) {}

  private final Connection connection;
  private final Signal recovered;
  private final ReplyQueues replies;
  private final BlockingQueue<Message> outbox = new LinkedBlockingQueue<>();
  // Published, waiting for the broker's confirm, by publish sequence number.
  private final ConcurrentNavigableMap<Long, Outstanding> outstanding = new ConcurrentSkipListMap<>();
  // Nacked or returned messages, handed from the confirm listener to the publisher thread.
  private final ConcurrentLinkedQueue<Back> back = new ConcurrentLinkedQueue<>();
  private final Set<String> returned = ConcurrentHashMap.newKeySet();
  private final Signal progress = new Signal();
  private final Thread thread;
  private final AtomicLong confirmedCount = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private volatile boolean closing;
  // The publisher thread's alone.
  private final Deque<Message> again = new ArrayDeque<>();
  private Channel channel;
  private long seenGeneration;

  ConfirmedPublisher(Connection connection, Signal recovered, String threadName) {
    this.connection = connection;
    this.recovered = recovered;
    this.replies = new ReplyQueues(connection);
    this.seenGeneration = recovered.generation();
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Queues {@code m}; returns at once. */
  CompletableFuture<Void> publish(Message m) {
    if (closing && !thread.isAlive()) {
      m.confirmed().completeExceptionally(new IllegalStateException("the publisher is closed"));
      return m.confirmed();
    }
    outbox.add(m);
    return m.confirmed();
  }

  /** How many messages the broker has confirmed. */
  long confirmed() {
    return confirmedCount.get();
  }

  /** How many times messages were published again after a nack, a timeout or a lost connection. */
  long retries() {
    return retries.get();
  }

  /** How many messages wait to be published or confirmed. */
  int waiting() {
    return outbox.size() + outstanding.size();
  }

  /** Called when the connection is lost: the replies confirmed shortly before may be lost with the broker. */
  void connectionLost() {
    replies.connectionLost();
  }

  private void run() {
    try {
      while (true) {
        long generation = recovered.generation();
        if (generation != seenGeneration) {
          seenGeneration = generation;
          List<Message> first = replies.confirmedBeforeLoss();
          first.addAll(unconfirmed());
          prepend(first);
        }
        takeBack();
        expireUnconfirmed();
        Message next = next();
        if (next == null) {
          if (closing && outbox.isEmpty() && again.isEmpty() && back.isEmpty() && outstanding.isEmpty()) {
            return;
          }
          continue;
        }
        publishOne(next, generation);
      }
    } catch (InterruptedException e) {
      List<Message> left = new ArrayList<>(again);
      left.addAll(unconfirmed());
      fail(left, "the publisher was stopped before the broker confirmed");
    }
  }

  /** The next message to publish, waiting a little for one (or for room in the window); null when none. */
  private Message next() throws InterruptedException {
    if (outstanding.size() >= WINDOW) {
      long seen = progress.generation();
      if (outstanding.size() >= WINDOW) {
        progress.awaitAfter(seen, 50);
      }
      return null;
    }
    Message m = again.poll();
    if (m != null) {
      return m;
    }
    return outbox.poll(outstanding.isEmpty() ? 200 : 20, TimeUnit.MILLISECONDS);
  }

  private void publishOne(Message m, long generation) throws InterruptedException {
    Long seq = null;
    try {
      Channel ch = channel();
      replies.declare(m, generation);
      seq = ch.getNextPublishSeqNo();
      Outstanding replaced = outstanding.put(seq, new Outstanding(m, System.nanoTime()));
      if (replaced != null) {
        again.addFirst(replaced.message()); // a recovered channel numbers from 1 again
      }
      ch.basicPublish(m.exchange(), m.routingKey(), m.replyQueue(), m.props(), m.body());
      if (m.replyQueue() && log.isDebugEnabled()) {
        log.debug("published reply {} to {} as {} (generation {})", m.props().getCorrelationId(), m.routingKey(), seq,
            generation);
      }
    } catch (IOException | ShutdownSignalException e) {
      if (seq != null) {
        outstanding.remove(seq);
      }
      again.addFirst(m);
      retries.incrementAndGet();
      log.info("publishing failed ({}); {} message(s) again once the connection is back", e.getMessage(),
          again.size() + outstanding.size());
      if (!recovered.awaitAfter(generation, 1000) && connection.isOpen() && channel != null && !channel.isOpen()) {
        channel = null; // the channel alone was closed (a channel error), the connection is fine
        prepend(unconfirmed());
      }
    }
  }

  private Channel channel() throws IOException {
    if (channel == null) {
      Channel ch = connection.createChannel();
      ch.confirmSelect();
      // A result the broker could not route: its reply queue is gone (an auto-delete queue goes with its
      // client's connection). The broker returns it before it confirms it.
      ch.addReturnListener(r -> {
        if (r.getProperties().getMessageId() != null) {
          returned.add(r.getProperties().getMessageId());
        }
      });
      ch.addConfirmListener((seq, multiple) -> confirm(seq, multiple, true),
          (seq, multiple) -> confirm(seq, multiple, false));
      channel = ch;
    }
    return channel;
  }

  /** The broker's confirm (ack) or refusal (nack) of {@code seq}, or of every message up to it. */
  private void confirm(long seq, boolean multiple, boolean ack) {
    List<Outstanding> done = new ArrayList<>();
    if (multiple) {
      Map<Long, Outstanding> head = outstanding.headMap(seq, true);
      for (Map.Entry<Long, Outstanding> e : head.entrySet()) {
        if (outstanding.remove(e.getKey(), e.getValue())) {
          done.add(e.getValue());
        }
      }
    } else {
      Outstanding o = outstanding.remove(seq);
      if (o != null) {
        done.add(o);
      }
    }
    for (Outstanding o : done) {
      Message m = o.message();
      if (m.replyQueue() && log.isDebugEnabled()) {
        log.debug("{} reply {} to {} ({}){}", ack ? "confirmed" : "nacked", m.props().getCorrelationId(),
            m.routingKey(), seq, returned.contains(m.props().getMessageId()) ? ", returned" : "");
      }
      if (!ack || (m.replyQueue() && returned.remove(m.props().getMessageId()))) {
        back.add(new Back(m, ack));
      } else {
        confirmed(m);
      }
    }
    if (!ack && !done.isEmpty()) {
      log.warn("the broker refused (nack) {} message(s); publishing them again", done.size());
    }
    progress.fire();
  }

  private void confirmed(Message m) {
    confirmedCount.incrementAndGet();
    m.confirmed().complete(null);
    if (m.replyQueue()) {
      replies.remember(m);
    }
  }

  /** Nacked messages go out again; returned results too, after their queue is declared again (a few times). */
  private void takeBack() {
    Back b;
    List<Message> list = new ArrayList<>();
    while ((b = back.poll()) != null) {
      if (!b.returned() || replies.returnedAgain(b.message())) {
        list.add(b.message());
      } else {
        confirmed(b.message()); // given up, as Celery's worker gives up a result without a queue
      }
    }
    if (!list.isEmpty()) {
      retries.incrementAndGet();
      prepend(list);
    }
  }

  /** A confirm that does not come in time: everything unconfirmed goes out again. */
  private void expireUnconfirmed() {
    Map.Entry<Long, Outstanding> oldest = outstanding.firstEntry();
    if (oldest != null && System.nanoTime() - oldest.getValue().publishedAt() > CONFIRM_TIMEOUT_NANOS) {
      List<Message> list = unconfirmed();
      log.warn("the broker did not confirm {} message(s) within 10 s; publishing them again", list.size());
      retries.incrementAndGet();
      prepend(list);
    }
  }

  /** Takes every unconfirmed message out of the window, in the order published. */
  private List<Message> unconfirmed() {
    List<Message> list = new ArrayList<>();
    for (Map.Entry<Long, Outstanding> e : outstanding.entrySet()) {
      if (outstanding.remove(e.getKey(), e.getValue())) {
        list.add(e.getValue().message());
      }
    }
    return list;
  }

  private void prepend(List<Message> list) {
    for (int i = list.size() - 1; i >= 0; i--) {
      again.addFirst(list.get(i));
    }
  }

  private void fail(List<Message> list, String why) {
    IllegalStateException e = new IllegalStateException(why);
    list.forEach(m -> m.confirmed().completeExceptionally(e));
    Message m;
    while ((m = outbox.poll()) != null) {
      m.confirmed().completeExceptionally(e);
    }
  }

  /**
   * Publishes what is queued (waiting up to {@code drainMillis} for the broker), then stops the thread;
   * messages still unconfirmed then fail their futures and are logged.
   */
  void close(long drainMillis) {
    closing = true;
    try {
      thread.join(drainMillis);
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(5000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int left = outbox.size();
    if (left > 0) {
      log.warn("{} message(s) were not confirmed by the broker before close", left);
      fail(List.of(), "closed before the broker confirmed");
    }
  }

  @Override
  public void close() {
    close(10_000);
  }
}
