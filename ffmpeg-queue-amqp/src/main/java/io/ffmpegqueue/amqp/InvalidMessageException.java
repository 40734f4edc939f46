package io.ffmpegqueue.amqp;

/**
 * A request message that cannot become a task: it is dead-lettered with {@link #getMessage()} as the reason.
 * When the message was a Celery one whose id and reply queue could be read, the client also gets a failure.
 */
final class InvalidMessageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String celeryId;
  private final String replyTo;
  private final String correlationId;

  InvalidMessageException(String reason) {
    this(null, null, null, reason);
  }

  InvalidMessageException(String celeryId, String replyTo, String correlationId, String reason) {
    super(reason);
    this.celeryId = celeryId;
    this.replyTo = replyTo;
    this.correlationId = correlationId;
  }

  String celeryId() {
    return celeryId;
  }

  String replyTo() {
    return replyTo;
  }

  String correlationId() {
    return correlationId;
  }
}
