package io.ffmpegqueue.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import io.ffmpegqueue.FfmpegQueueClient;
import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.TaskEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects a queue to RabbitMQ: takes tasks from Celery clients (the Celery queue, protocol 2) and plain
 * AMQP clients (the register queue), answers Celery's {@code rpc://} result backend, and publishes every
 * event of this process on a topic exchange. The tasks themselves stay in the queue's backend.
 *
 * <pre>{@code
 * try (FfmpegQueue queue = FfmpegQueue.builder().build();
 *      AmqpBridge bridge = AmqpBridge.start(queue, AmqpSettings.builder("amqp://localhost").build())) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Messages are acknowledged once their task is enqueued; invalid ones are copied to the dead-letter queue
 * with the reason in the {@value AmqpSettings#REASON_HEADER} header, then acknowledged. Results and events
 * are published with publisher confirms and published again until confirmed; the connections recover by
 * themselves after a broker restart. On a backend with a message outbox (PostgreSQL, Redis) each Celery result
 * and every event is also kept with its task until confirmed, and any bridge on that backend publishes those a
 * dead process left (see {@code docs/amqp.md}). Close the bridge with {@link #stopIntake()} before the queue and
 * {@link #close()} after it, so the events of the tasks that finish while the queue drains are published.
 */
public final class AmqpBridge implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AmqpBridge.class);
  /** The fanout exchange Celery clients broadcast control commands ({@code revoke}) on. */
  static final String PIDBOX_EXCHANGE = "celery.pidbox";

  private final AmqpSettings settings;
  private final Connection consumeConnection;
  private final Connection publishConnection;
  private final ConfirmedPublisher publisher;
  private final RequestIntake intake;
  private final RevokedTasks revoked;
  private final BrokerOutbox outbox;
  private final Subscription subscription;
  // Runs the consumers' deliveries, each channel's in order: the intake works on these threads.
  private final ExecutorService intakeThreads;
  // Deliveries being handled now, for stopIntake() to wait for.
  private final Phaser inFlight = new Phaser(1);
  private final List<Channel> consumerChannels = new ArrayList<>();
  private boolean intakeStopped;
  private boolean closed;

  private AmqpBridge(FfmpegQueueClient client, AmqpSettings settings, RequestIntake.AfterSubmit afterSubmit,
      BrokerOutbox.Timings timings) throws IOException, TimeoutException {
    this.settings = settings;
    ConnectionFactory f = new ConnectionFactory();
    try {
      f.setUri(settings.url());
    } catch (URISyntaxException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(AmqpSettings.URL + ": cannot be used (" + e.getClass().getSimpleName() + ")");
    }
    f.setAutomaticRecoveryEnabled(true);
    f.setTopologyRecoveryEnabled(true);
    f.setNetworkRecoveryInterval(1000);
    f.setThreadFactory(daemonThreads("ffq-amqp-"));
    // A thread for each consumer channel (both queues' and the control channel's) and one to spare: a channel
    // whose intake waits for room in a full queue holds its thread, and revokes must still get through.
    int channels = intakeChannels(settings);
    this.intakeThreads = Executors.newFixedThreadPool(2 * channels + 2, daemonThreads("ffq-amqp-intake-"));
    f.setSharedExecutor(intakeThreads);
    try {
      this.consumeConnection = f.newConnection("ffmpeg-queue intake");
    } catch (IOException | TimeoutException e) {
      intakeThreads.shutdownNow();
      throw e;
    }
    f.setSharedExecutor(null);
    // The publisher declares nothing that must come back after a restart (reply queues are declared again
    // as results go out), so its connection recovers channels only.
    f.setTopologyRecoveryEnabled(false);
    try {
      this.publishConnection = f.newConnection("ffmpeg-queue publisher");
    } catch (IOException | TimeoutException e) {
      consumeConnection.abort();
      intakeThreads.shutdownNow();
      throw e;
    }
    Signal recovered = new Signal();
    ConfirmedPublisher[] publisherRef = new ConfirmedPublisher[1];
    ((Recoverable) publishConnection).addRecoveryListener(new RecoveryListener() {
      @Override
      public void handleRecovery(Recoverable r) {
        log.info("connection to {} recovered", settings.displayUrl());
        recovered.fire();
      }

      @Override
      public void handleRecoveryStarted(Recoverable r) {
        log.info("connection to {} lost; reconnecting", settings.displayUrl());
        ConfirmedPublisher p = publisherRef[0];
        if (p != null) {
          p.connectionLost();
        }
      }
    });
    this.publisher = new ConfirmedPublisher(publishConnection, recovered, "ffq-amqp-publisher");
    publisherRef[0] = publisher;
    CeleryReplies replies = new CeleryReplies(publisher);
    EventPublisher events = new EventPublisher(publisher, settings.eventsExchange());
    this.revoked = new RevokedTasks(client);
    this.outbox = new BrokerOutbox(client, replies, events, timings);
    Signal room = new Signal();
    this.subscription = client.subscribe(e -> {
      outbox.publish(e);
      revoked.onEvent(e);
      if (e.type() == TaskEvent.Type.STARTED || e.type().isFinal()) {
        room.fire();
      }
    });
    this.intake = new RequestIntake(client, settings, publisher, replies, revoked, outbox, room, afterSubmit);
    // Declared on the control channel, which stays open: the client declares it all again on that channel
    // after a reconnect (a broker that lost its data gets the queues back before the consumers return).
    Channel control = consumeConnection.createChannel();
    consumerChannels.add(control);
    declareTopology(control);
    for (int i = 0; i < channels; i++) {
      consume(RequestIntake.Source.CELERY, settings.celeryQueue(), channels);
      consume(RequestIntake.Source.REGISTER, settings.registerQueue(), channels);
    }
    consumeControl(control);
    log.info("AMQP bridge on {}: Celery queue {} (task {}), register queue {}, events exchange {}, dead letters {}",
        settings.displayUrl(), settings.celeryQueue(), settings.celeryTaskName(), settings.registerQueue(),
        settings.eventsExchange(), settings.deadLetterQueue());
  }

  /**
   * Connects to the broker, declares the queues and exchanges, and starts taking messages for {@code client}.
   *
   * @throws UncheckedIOException when the broker cannot be reached
   * @throws IllegalArgumentException naming {@code AMQP_URL} when the URL cannot be used
   */
  public static AmqpBridge start(FfmpegQueueClient client, AmqpSettings settings) {
    return start(client, settings, null);
  }

  static AmqpBridge start(FfmpegQueueClient client, AmqpSettings settings, RequestIntake.AfterSubmit afterSubmit) {
    return start(client, settings, afterSubmit, BrokerOutbox.Timings.DEFAULT);
  }

  static AmqpBridge start(FfmpegQueueClient client, AmqpSettings settings, RequestIntake.AfterSubmit afterSubmit,
      BrokerOutbox.Timings timings) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(settings, "settings");
    try {
      return new AmqpBridge(client, settings, afterSubmit, timings);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot connect to " + settings.displayUrl() + ": " + e.getMessage(), e);
    } catch (TimeoutException e) {
      throw new UncheckedIOException(new IOException("cannot connect to " + settings.displayUrl() + ": timed out", e));
    }
  }

  /**
   * Queues as Celery's client declares them (durable, no arguments), so that either side may declare first:
   * the Celery queue bound to the direct exchange of the same name, the register and dead-letter queues, the
   * events' topic exchange, and Celery's control exchange.
   */
  private void declareTopology(Channel ch) throws IOException {
    ch.exchangeDeclare(settings.celeryQueue(), "direct", true);
    ch.queueDeclare(settings.celeryQueue(), true, false, false, null);
    ch.queueBind(settings.celeryQueue(), settings.celeryQueue(), settings.celeryQueue());
    ch.queueDeclare(settings.registerQueue(), true, false, false, null);
    ch.queueDeclare(settings.deadLetterQueue(), true, false, false, null);
    ch.exchangeDeclare(settings.eventsExchange(), "topic", true);
    ch.exchangeDeclare(PIDBOX_EXCHANGE, "fanout", false);
  }

  /**
   * How many consumer channels take each queue: one per intake thread, each with its share of the prefetch, so
   * that the queue's prefetch stays the bound.
   */
  private static int intakeChannels(AmqpSettings settings) {
    return Math.min(settings.intakeThreads(), settings.prefetch());
  }

  /**
   * A consumer on {@code queue} whose deliveries are handled on the channel's dispatch thread: no hand-off
   * to another thread between the broker's delivery and the task's registration.
   */
  private void consume(RequestIntake.Source source, String queue, int channels) throws IOException {
    Channel ch = consumeConnection.createChannel();
    ch.basicQos(settings.prefetch() / channels);
    ch.basicConsume(queue, false, new DefaultConsumer(ch) {
      @Override
      public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
        inFlight.register();
        try {
          intake.handle(source, ch, env, props, body);
        } finally {
          inFlight.arriveAndDeregister();
        }
      }
    });
    consumerChannels.add(ch);
  }

  private void consumeControl(Channel ch) throws IOException {
    String queue = ch.queueDeclare("", false, true, true, null).getQueue();
    ch.queueBind(queue, PIDBOX_EXCHANGE, "");
    ch.basicConsume(queue, true, new DefaultConsumer(ch) {
      @Override
      public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
        revoked.onControl(body);
      }
    });
  }

  /** Tasks registered from messages so far (not counting redelivered ones). */
  public long registered() {
    return intake.registered.get();
  }

  /** Messages that found the task of an earlier delivery by their idempotency key (redeliveries). */
  public long replayed() {
    return intake.replayed.get();
  }

  /** Messages copied to the dead-letter queue. */
  public long deadLettered() {
    return intake.deadLettered.get();
  }

  /** How many times a message waited for room in a full queue. */
  public long waitedForRoom() {
    return intake.waitedForRoom.get();
  }

  /**
   * How many Celery results (each with its task's final event) this bridge published again from the backend's
   * outbox, for tasks whose process did not see them confirmed (see {@code docs/amqp.md}).
   */
  public long republishedResults() {
    return outbox.republished();
  }

  /**
   * How many events this bridge published again from the backend's outbox, for processes that did not see
   * them confirmed (see {@code docs/amqp.md}).
   */
  public long republishedEvents() {
    return outbox.republishedEvents();
  }

  /** Results and events the broker has confirmed. */
  public long published() {
    return publisher.confirmed();
  }

  /** Batches published again after a nack, a timeout or a lost connection. */
  public long publishRetries() {
    return publisher.retries();
  }

  /** The settings. */
  public AmqpSettings settings() {
    return settings;
  }

  /**
   * Stops taking messages: the consumers are cancelled and messages not yet enqueued go back to the broker.
   * Results and events are still published until {@link #close()}.
   */
  public synchronized void stopIntake() {
    if (intakeStopped) {
      return;
    }
    intakeStopped = true;
    for (Channel ch : consumerChannels) {
      try {
        ch.close();
      } catch (IOException | TimeoutException | RuntimeException e) {
        log.debug("closing a consumer channel", e);
      }
    }
    intake.stop();
    // Deliveries handled now end soon: those waiting for room give their message back.
    try {
      inFlight.awaitAdvanceInterruptibly(inFlight.arrive(), 10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException e) {
      log.warn("messages still being registered 10 s after the intake stopped; the broker redelivers them");
    }
  }

  /** Stops the intake, publishes what is left (up to 10 s while the broker is away), and disconnects. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopIntake();
    subscription.close();
    outbox.flush(); // the events still waiting to be kept go to the publisher before it closes
    publisher.close();
    outbox.close(); // after the publisher: the confirms it waited for remove their deliveries
    for (Connection c : List.of(consumeConnection, publishConnection)) {
      try {
        c.close(5000);
      } catch (IOException | RuntimeException e) {
        c.abort(1000);
      }
    }
    intakeThreads.shutdownNow(); // the connection factory leaves a shared executor to its owner
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
