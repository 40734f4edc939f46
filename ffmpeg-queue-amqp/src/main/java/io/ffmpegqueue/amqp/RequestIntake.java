package io.ffmpegqueue.amqp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Envelope;
import io.ffmpegqueue.FfmpegQueueClient;
import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.Submission;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskRejectedException;
import io.ffmpegqueue.TaskRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one request message into a task, then acknowledges it: a Celery message from the Celery queue or
 * a plain JSON register message. The message is acknowledged only once the task is enqueued in the backend
 * (or, for an invalid message, once its dead-letter copy is confirmed); a redelivered message finds its
 * first task by the idempotency key (the Celery task id, or the plain message's {@code message_id}). While
 * the queue is full it waits for room, holding the message, so the broker stops delivering at the prefetch.
 */
final class RequestIntake {
  private static final Logger log = LoggerFactory.getLogger(RequestIntake.class);

  /** Where a message came from. */
  enum Source { CELERY, REGISTER }

  /** A step a test can put between the enqueue and the acknowledgement, to crash there. */
  interface AfterSubmit {
    /** Returns whether the message is to be acknowledged now. */
    boolean run(Source source, Channel channel, Envelope envelope) throws IOException;
  }

  private final FfmpegQueueClient client;
  private final AmqpSettings settings;
  private final ConfirmedPublisher publisher;
  private final CeleryReplies replies;
  private final RevokedTasks revoked;
  private final BrokerOutbox outbox;
  private final Signal room;
  private final AfterSubmit afterSubmit;
  private volatile boolean closing;
  final AtomicLong registered = new AtomicLong();
  final AtomicLong replayed = new AtomicLong();
  final AtomicLong deadLettered = new AtomicLong();
  final AtomicLong waitedForRoom = new AtomicLong();

  RequestIntake(FfmpegQueueClient client, AmqpSettings settings, ConfirmedPublisher publisher,
      CeleryReplies replies, RevokedTasks revoked, BrokerOutbox outbox, Signal room, AfterSubmit afterSubmit) {
    this.client = client;
    this.settings = settings;
    this.publisher = publisher;
    this.replies = replies;
    this.revoked = revoked;
    this.outbox = outbox;
    this.room = room;
    this.afterSubmit = afterSubmit;
  }

  /** Stops waiting for room: messages not yet enqueued go back to the broker. */
  void stop() {
    closing = true;
    room.fire();
  }

  /** Handles one delivery; never throws. */
  void handle(Source source, Channel ch, Envelope env, AMQP.BasicProperties props, byte[] body) {
    try {
      if (source == Source.CELERY) {
        celery(ch, env, props, body);
      } else {
        register(ch, env, props, body);
      }
    } catch (ShuttingDown e) {
      try {
        ch.basicNack(env.getDeliveryTag(), false, true);
      } catch (IOException | RuntimeException x) {
        log.debug("could not give a message back at shutdown; the broker redelivers it", x);
      }
    } catch (RuntimeException e) {
      // Not the message's fault (a backend error): back to the queue, for this or another consumer.
      log.warn("could not register a task from a message on {}; it goes back to the queue", queue(source), e);
      try {
        ch.basicNack(env.getDeliveryTag(), false, true);
      } catch (IOException | RuntimeException x) {
        log.debug("could not give the message back; the broker redelivers it", x);
      }
    }
  }

  private void celery(Channel ch, Envelope env, AMQP.BasicProperties props, byte[] body) {
    CeleryMessage m;
    try {
      m = CeleryMessage.parse(props, body);
    } catch (InvalidMessageException e) {
      refuse(Source.CELERY, ch, env, props, body, e.getMessage());
      if (e.replyTo() != null) {
        replies.refuse(e.celeryId(), e.replyTo(), e.correlationId(), e.getMessage());
      }
      return;
    }
    try {
      if (!m.name().equals(settings.celeryTaskName())) {
        throw new InvalidTaskException("task", "'" + m.name() + "' is not a task of this worker; it runs '"
            + settings.celeryTaskName() + "'");
      }
      Map<String, String> meta = new HashMap<>();
      meta.put(CeleryReplies.ID_KEY, m.id());
      if (m.replyTo() != null) {
        meta.put(CeleryReplies.REPLY_TO_KEY, m.replyTo());
        if (!m.correlationId().equals(m.id())) {
          meta.put(CeleryReplies.CORRELATION_KEY, m.correlationId());
        }
      }
      TaskId id;
      try {
        id = TaskId.of(m.id());
      } catch (IllegalArgumentException e) {
        throw new InvalidTaskException("id", "the Celery task id cannot be a task id: " + e.getMessage());
      }
      // The Celery id is the task id and the idempotency key, whatever the kwargs say: a redelivery must find
      // the first task.
      TaskRequest request = RequestFields.parse(m.fields(), m.id(), meta).toBuilder().idempotencyKey(m.id()).build();
      Submission s = submit(id, request);
      if (m.replyTo() != null && (s.created() || !s.task().status().isFinal())) {
        outbox.keep(s.id()); // with the task until its result is confirmed, before the message is acknowledged
      }
      revoked.track(m.id(), s.id());
      if (s.created()) {
        registered.incrementAndGet();
      } else {
        replayed.incrementAndGet();
        if (s.task().status().isFinal()) {
          replies.answer(s.task(), s.task().finishedAt() == null ? Instant.EPOCH : s.task().finishedAt());
        }
      }
      if (revoked.isRevoked(m.id())) {
        client.cancel(s.id());
      }
      if (afterSubmit(Source.CELERY, ch, env)) {
        ack(ch, env);
      }
    } catch (TaskRejectedException e) {
      refuse(Source.CELERY, ch, env, props, body, e.getMessage());
      if (m.replyTo() != null) {
        replies.refuse(m.id(), m.replyTo(), m.correlationId(), e.getMessage());
      }
    }
  }

  private void register(Channel ch, Envelope env, AMQP.BasicProperties props, byte[] body) {
    String replyTo = props.getReplyTo() == null || props.getReplyTo().isEmpty() ? null : props.getReplyTo();
    try {
      JsonNode root;
      try {
        root = TaskJson.mapper().readTree(new String(body, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new InvalidTaskException("body", "is not JSON: " + e.getMessage());
      }
      String key = props.getMessageId() == null || props.getMessageId().isBlank() ? null : props.getMessageId();
      Submission s = submit(null, RequestFields.parse(root, key, Map.of()));
      (s.created() ? registered : replayed).incrementAndGet();
      if (replyTo != null) {
        Task t = s.task();
        ObjectNode n = TaskJson.mapper().createObjectNode();
        n.put("task_id", t.id().value());
        n.put("status", t.status().wireName());
        n.put("output_url", t.outputUrl());
        n.put("error_message", t.errorMessage());
        n.put("created", s.created());
        reply(replyTo, props.getCorrelationId(), n);
      }
      if (afterSubmit(Source.REGISTER, ch, env)) {
        ack(ch, env);
      }
    } catch (TaskRejectedException e) {
      refuse(Source.REGISTER, ch, env, props, body, e.getMessage());
      if (replyTo != null) {
        ObjectNode n = TaskJson.mapper().createObjectNode();
        n.put("error", "invalid_request");
        n.put("detail", e.getMessage());
        n.put("field", e instanceof InvalidTaskException i ? i.field() : null);
        reply(replyTo, props.getCorrelationId(), n);
      }
    }
  }

  /** Submits, waiting for room while the queue is full or the submitter over its rate. */
  private Submission submit(TaskId id, TaskRequest request) {
    while (true) {
      if (closing) {
        throw new ShuttingDown();
      }
      long seen = room.generation();
      try {
        return id == null ? client.submit(request) : client.submit(id, request);
      } catch (TaskRejectedException e) {
        if (e.reason() == TaskRejectedException.Reason.INVALID) {
          throw e;
        }
        waitedForRoom.incrementAndGet();
        long millis = e.retryAfter() == null ? 1000 : Math.max(10, Math.min(1000, e.retryAfter().toMillis()));
        try {
          room.awaitAfter(seen, millis);
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
          throw new ShuttingDown();
        }
      } catch (IllegalStateException e) {
        throw new ShuttingDown(); // the queue is closing
      }
    }
  }

  /** Dead-letters the message with the reason, waits for the broker to confirm the copy, then acks it. */
  private void refuse(Source source, Channel ch, Envelope env, AMQP.BasicProperties props, byte[] body, String reason) {
    Map<String, Object> headers = new HashMap<>(props.getHeaders() == null ? Map.of() : props.getHeaders());
    headers.put(AmqpSettings.REASON_HEADER, reason.length() > 1000 ? reason.substring(0, 1000) + "..." : reason);
    headers.put(AmqpSettings.SOURCE_HEADER, queue(source));
    AMQP.BasicProperties copy = props.builder().headers(headers).deliveryMode(2).build();
    Future<Void> confirmed = publisher.publish(
        new ConfirmedPublisher.Message("", settings.deadLetterQueue(), copy, body));
    while (true) {
      try {
        confirmed.get(1, TimeUnit.SECONDS);
        break;
      } catch (TimeoutException e) {
        if (closing) {
          throw new ShuttingDown();
        }
      } catch (ExecutionException e) {
        throw new ShuttingDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ShuttingDown();
      }
    }
    deadLettered.incrementAndGet();
    log.info("dead-lettered a message from {} to {}: {}", queue(source), settings.deadLetterQueue(), reason);
    ack(ch, env);
  }

  private void reply(String replyTo, String correlationId, ObjectNode body) {
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
        .contentType("application/json")
        .correlationId(correlationId)
        .build();
    publisher.publish(new ConfirmedPublisher.Message("", replyTo, props, body.toString().getBytes(StandardCharsets.UTF_8)));
  }

  private boolean afterSubmit(Source source, Channel ch, Envelope env) {
    if (afterSubmit == null) {
      return true;
    }
    try {
      return afterSubmit.run(source, ch, env);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void ack(Channel ch, Envelope env) {
    try {
      ch.basicAck(env.getDeliveryTag(), false);
    } catch (IOException | RuntimeException e) {
      // The channel went away before the ack: the broker redelivers, and the idempotency key finds the task.
      log.debug("could not acknowledge a message; it will be redelivered", e);
    }
  }

  private String queue(Source source) {
    return source == Source.CELERY ? settings.celeryQueue() : settings.registerQueue();
  }

  /** The process is closing: the message goes back to the broker. */
  private static final class ShuttingDown extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ShuttingDown() {
      super("closing", null, false, false);
    }
  }
}
