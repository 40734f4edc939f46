package io.ffmpegqueue.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Celery clients' reply queues, as the publisher sees them. Celery's {@code rpc://} reply queue is not
 * durable and goes with the broker (or with its client's connection), so a result could be confirmed into a
 * queue that is then lost, or be published while the queue is missing. Each reply queue is declared before
 * the first result goes to it (as Celery's own worker does), declared again when the broker returns a result
 * published as mandatory (a few times at most), and the results confirmed in the 2 minutes before a lost
 * connection (20,000 at most) are published again after it.
 */
final class ReplyQueues {
  private static final Logger log = LoggerFactory.getLogger(ReplyQueues.class);
  /** The arguments Celery's rpc:// backend declares its reply queue with (result_expires, 1 day by default). */
  private static final Map<String, Object> ARGS = Map.of("x-expires", 86_400_000);
  private static final int MAX_RETURNS = 5;
  private static final long RESEND_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(120);
  private static final int MAX_REMEMBERED = 20_000;

  private final Connection connection;
  // The publisher thread's alone.
  private final Set<String> declared = new HashSet<>();
  private final Map<String, Integer> returns = new HashMap<>();
  private long declaredGeneration = -1;
  // Confirmed replies, oldest first; guarded by this.
  private final ArrayDeque<Sent> recent = new ArrayDeque<>();
  private volatile long lostAt;

  private record Sent(long at, ConfirmedPublisher.Message message) {}

  ReplyQueues(Connection connection) {
    this.connection = connection;
  }

  /** Declares the reply queue of {@code m} unless it was declared since the connection of {@code generation}. */
  void declare(ConfirmedPublisher.Message m, long generation) throws IOException {
    if (generation != declaredGeneration) {
      declared.clear(); // a restarted broker has lost the clients' queues (they are not durable)
      declaredGeneration = generation;
    }
    if (!m.replyQueue() || !declared.add(m.routingKey())) {
      return;
    }
    // On a channel of its own: a queue the client declared with other arguments fails the declaration (and
    // closes its channel), which only means that the queue is there.
    Channel side = connection.createChannel();
    try {
      side.queueDeclare(m.routingKey(), false, false, true, ARGS);
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

  /**
   * Whether a result the broker returned (its queue is gone) goes out again, after its queue is declared
   * again so that it waits there for the client; a few times at most, then it is dropped as Celery's worker
   * would drop it.
   */
  boolean returnedAgain(ConfirmedPublisher.Message m) {
    declared.remove(m.routingKey());
    int n = returns.merge(m.props().getMessageId(), 1, Integer::sum);
    if (n > MAX_RETURNS) {
      returns.remove(m.props().getMessageId());
      log.warn("a result for reply queue {} could not be routed {} times; dropped", m.routingKey(), n);
      return false;
    }
    return true;
  }

  /** Remembers a confirmed result, for {@link #confirmedBeforeLoss()}. */
  synchronized void remember(ConfirmedPublisher.Message m) {
    long now = System.nanoTime();
    recent.addLast(new Sent(now, m));
    while (!recent.isEmpty() && (recent.size() > MAX_REMEMBERED || now - recent.peekFirst().at() > RESEND_WINDOW_NANOS)) {
      recent.removeFirst();
    }
  }

  /** Called when the connection is lost. */
  void connectionLost() {
    lostAt = System.nanoTime();
  }

  /**
   * The results confirmed in the last moments before the connection was lost, to publish again after it: the
   * broker confirmed them into a reply queue it may have lost with them. The client takes a repeated result as
   * the same one. Forgets them.
   */
  synchronized List<ConfirmedPublisher.Message> confirmedBeforeLoss() {
    List<ConfirmedPublisher.Message> out = new ArrayList<>();
    for (Sent sent : recent) {
      if (sent.at() - (lostAt - RESEND_WINDOW_NANOS) >= 0) {
        out.add(sent.message());
      }
    }
    recent.clear();
    if (!out.isEmpty()) {
      log.info("publishing {} result(s) again that were confirmed just before the connection was lost", out.size());
    }
    return out;
  }
}
