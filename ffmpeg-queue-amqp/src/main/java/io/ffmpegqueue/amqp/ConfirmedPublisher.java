package io.ffmpegqueue.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes every message until the broker confirms it: one thread takes messages in arrival order,
 * publishes them in batches on a channel in confirm mode and waits for the batch's confirms. A nack, a
 * timeout or a lost connection publishes the whole batch again once the connection is back (the client
 * recovers it by itself), so a message may arrive twice but is never lost while this process lives, and
 * the messages of one task keep their order. Results (to Celery's non-durable reply queues) are published as
 * mandatory, their queue declared again when the broker returns them, and those confirmed in the 2 minutes
 * before a lost connection (20,000 at most) are published again after it: a stopping broker may confirm them
 * into a queue it then loses.
 */
final class ConfirmedPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConfirmedPublisher.class);
  private static final int MAX_BATCH = 256;
  private static final long CONFIRM_TIMEOUT_MS = 10_000;
  private static final int MAX_RETURNS = 5;
  private static final long RESEND_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(120);
  private static final int MAX_REMEMBERED = 20_000;

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
      // Published as mandatory; the message id tells a returned one from the rest of its batch.
      AMQP.BasicProperties withId = props.builder().messageId(UUID.randomUUID().toString()).build();
      return new Message("", queue, withId, body, true, new CompletableFuture<>());
    }
  }

  /** The arguments Celery's rpc:// backend declares its reply queue with (result_expires, 1 day by default). */
  private static final Map<String, Object> REPLY_QUEUE_ARGS = Map.of("x-expires", 86_400_000);

  private final Connection connection;
  private final Signal recovered;
  private final BlockingQueue<Message> outbox = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final AtomicLong confirmedCount = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private volatile boolean closing;
  private Channel channel;
  private final Set<String> declaredReplyQueues = new HashSet<>();
  private final Set<String> returned = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> returns = new HashMap<>();
  private final ArrayDeque<Sent> recentReplies = new ArrayDeque<>();
  private long resentGeneration;
  private volatile long lostAt;

  private record Sent(long at, Message message) {}
  private long declaredGeneration = -1;

  ConfirmedPublisher(Connection connection, Signal recovered, String threadName) {
    this.connection = connection;
    this.recovered = recovered;
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

  /** How many batches were published again after a nack, a timeout or a lost connection. */
  long retries() {
    return retries.get();
  }

  /** How many messages wait for their confirm. */
  int waiting() {
    return outbox.size();
  }

  /** Called when the connection is lost: the replies confirmed shortly before may be lost with the broker. */
  void connectionLost() {
    lostAt = System.nanoTime();
  }

  private void run() {
    List<Message> batch = new ArrayList<>();
    while (true) {
      try {
        long generation = recovered.generation();
        if (generation != resentGeneration) {
          resentGeneration = generation;
          batch = resendRecentReplies(batch);
        }
        if (batch.isEmpty()) {
          Message first = outbox.poll(200, TimeUnit.MILLISECONDS);
          if (first == null) {
            if (closing) {
              return;
            }
            continue;
          }
          batch.add(first);
          outbox.drainTo(batch, MAX_BATCH - 1);
        }
        if (publishAndConfirm(batch)) {
          List<Message> again = new ArrayList<>();
          for (Message m : batch) {
            if (m.replyQueue() && returned.remove(m.props().getMessageId()) && returnedAgain(m)) {
              again.add(m);
            } else {
              confirmedCount.incrementAndGet();
              m.confirmed().complete(null);
              if (m.replyQueue()) {
                rememberReply(m);
              }
            }
          }
          batch.clear();
          batch.addAll(again);
        } else {
          retries.incrementAndGet();
        }
      } catch (InterruptedException e) {
        fail(batch, "the publisher was stopped before the broker confirmed");
        return;
      }
    }
  }

  private boolean publishAndConfirm(List<Message> batch) throws InterruptedException {
    long seen = recovered.generation();
    try {
      Channel ch = channel();
      declareReplyQueues(batch, seen);
      for (Message m : batch) {
        ch.basicPublish(m.exchange(), m.routingKey(), m.replyQueue(), m.props(), m.body());
      }
      if (ch.waitForConfirms(CONFIRM_TIMEOUT_MS)) {
        return true;
      }
      log.warn("the broker refused (nack) {} message(s); publishing them again", batch.size());
      return false;
    } catch (IOException | ShutdownSignalException | TimeoutException e) {
      log.info("publishing {} message(s) failed ({}); again once the connection is back", batch.size(),
          e.getMessage());
      if (!recovered.awaitAfter(seen, 1000) && connection.isOpen() && channel != null && !channel.isOpen()) {
        channel = null; // the channel alone was closed (a channel error), the connection is fine
      }
      return false;
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
      channel = ch;
    }
    return channel;
  }

  private void rememberReply(Message m) {
    long now = System.nanoTime();
    recentReplies.addLast(new Sent(now, m));
    while (!recentReplies.isEmpty() && (recentReplies.size() > MAX_REMEMBERED
        || now - recentReplies.peekFirst().at() > RESEND_WINDOW_NANOS)) {
      recentReplies.removeFirst();
    }
  }

  /**
   * After a reconnect, the replies confirmed in the last moments before the connection was lost go out again,
   * before the batch: the broker confirmed them into a client's reply queue, which is not durable, and a
   * broker that stopped lost it with them (or the client's connection closed before it read them). The
   * client takes a repeated result as the same one.
   */
  private List<Message> resendRecentReplies(List<Message> batch) {
    List<Message> out = new ArrayList<>();
    for (Sent sent : recentReplies) {
      if (sent.at() - (lostAt - RESEND_WINDOW_NANOS) >= 0) {
        out.add(sent.message());
      }
    }
    recentReplies.clear();
    if (!out.isEmpty()) {
      log.info("publishing {} result(s) again that were confirmed just before the connection was lost", out.size());
    }
    out.addAll(batch);
    return out;
  }

  /**
   * Whether a returned result goes out again, after its reply queue is declared again (so it waits there for
   * the client to come back); a few times at most, then it is dropped as Celery's worker would drop it.
   */
  private boolean returnedAgain(Message m) {
    declaredReplyQueues.remove(m.routingKey());
    int n = returns.merge(m.props().getMessageId(), 1, Integer::sum);
    if (n > MAX_RETURNS) {
      returns.remove(m.props().getMessageId());
      log.warn("a result for reply queue {} could not be routed {} times; dropped", m.routingKey(), n);
      return false;
    }
    return true;
  }

  private void declareReplyQueues(List<Message> batch, long generation) throws IOException {
    if (generation != declaredGeneration) {
      declaredReplyQueues.clear(); // a restarted broker has lost the clients' queues (they are not durable)
      declaredGeneration = generation;
    }
    for (Message m : batch) {
      if (m.replyQueue() && declaredReplyQueues.add(m.routingKey())) {
        // On a channel of its own: a queue the client declared with other arguments fails the declaration
        // (and closes its channel), which only means that the queue is there.
        Channel side = connection.createChannel();
        try {
          side.queueDeclare(m.routingKey(), false, false, true, REPLY_QUEUE_ARGS);
        } catch (IOException e) {
          log.debug("reply queue {} exists with other arguments", m.routingKey());
        } finally {
          if (side.isOpen()) {
            try {
              side.close();
            } catch (TimeoutException | IOException e) {
              side.abort();
            }
          }
        }
      }
    }
  }

  private void fail(List<Message> batch, String why) {
    IllegalStateException e = new IllegalStateException(why);
    batch.forEach(m -> m.confirmed().completeExceptionally(e));
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
