package io.ffmpegqueue.amqp;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the broker is and which names the bridge uses on it. Only the URL is required; every name has the
 * default a Celery client or a plain AMQP client expects.
 *
 * <pre>{@code
 * AmqpSettings settings = AmqpSettings.builder("amqp://guest:guest@localhost:5672/%2F").prefetch(32).build();
 * Optional<AmqpSettings> fromEnv = AmqpSettings.fromEnv(System.getenv()); // empty without AMQP_URL
 * }</pre>
 *
 * @param url the broker, {@code amqp://user:pass@host:port/vhost} ({@code amqps://} for TLS)
 * @param celeryQueue the queue Celery clients send to (Celery's {@code task_default_queue})
 * @param celeryTaskName the Celery task name this bridge runs; messages for other names are dead-lettered
 * @param registerQueue the queue of plain JSON register messages
 * @param eventsExchange the topic exchange every task event is published on ({@code task.<type>})
 * @param deadLetterQueue where invalid messages go, with the reason in the {@value #REASON_HEADER} header
 * @param prefetch the most unacknowledged request messages per queue (the back-pressure bound)
 * @param intakeThreads how many messages of each queue are registered at once: one consumer channel each, on
 *     a thread of its own, sharing the queue's prefetch
 */
public record AmqpSettings(
    String url,
    String celeryQueue,
    String celeryTaskName,
    String registerQueue,
    String eventsExchange,
    String deadLetterQueue,
    int prefetch,
    int intakeThreads) {

  /** The header of a dead-lettered message that says why it was refused. */
  public static final String REASON_HEADER = "x-ffq-reason";
  /** The header of a dead-lettered message that names the queue it came from. */
  public static final String SOURCE_HEADER = "x-ffq-source-queue";

  /** {@code AMQP_URL}: the broker; the bridge is off without it. */
  public static final String URL = "AMQP_URL";
  /** {@code AMQP_CELERY_QUEUE}: the Celery clients' queue. */
  public static final String CELERY_QUEUE = "AMQP_CELERY_QUEUE";
  /** {@code AMQP_CELERY_TASK}: the Celery task name. */
  public static final String CELERY_TASK = "AMQP_CELERY_TASK";
  /** {@code AMQP_REGISTER_QUEUE}: the plain JSON register queue. */
  public static final String REGISTER_QUEUE = "AMQP_REGISTER_QUEUE";
  /** {@code AMQP_EVENTS_EXCHANGE}: the events' topic exchange. */
  public static final String EVENTS_EXCHANGE = "AMQP_EVENTS_EXCHANGE";
  /** {@code AMQP_DEAD_LETTER_QUEUE}: the dead-letter queue. */
  public static final String DEAD_LETTER_QUEUE = "AMQP_DEAD_LETTER_QUEUE";
  /** {@code AMQP_PREFETCH}: unacknowledged request messages per queue. */
  public static final String PREFETCH = "AMQP_PREFETCH";

  /** Checks every field; messages name the field (or its variable) and never show the password. */
  public AmqpSettings {
    url = checkUrl(URL, url);
    celeryQueue = checkName(CELERY_QUEUE, celeryQueue);
    celeryTaskName = checkName(CELERY_TASK, celeryTaskName);
    registerQueue = checkName(REGISTER_QUEUE, registerQueue);
    eventsExchange = checkName(EVENTS_EXCHANGE, eventsExchange);
    deadLetterQueue = checkName(DEAD_LETTER_QUEUE, deadLetterQueue);
    if (prefetch < 1 || prefetch > 65_535) {
      throw new IllegalArgumentException(PREFETCH + ": must be between 1 and 65535, got " + prefetch);
    }
    if (intakeThreads < 1 || intakeThreads > 64) {
      throw new IllegalArgumentException("intakeThreads: must be between 1 and 64, got " + intakeThreads);
    }
  }

  /** A builder with the defaults, for the broker at {@code url}. */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  /**
   * The settings of the {@code AMQP_*} variables in {@code env}.
   *
   * @return empty when {@code AMQP_URL} is unset or empty
   * @throws IllegalArgumentException whose message starts with the variable's name when a value is invalid
   */
  public static Optional<AmqpSettings> fromEnv(Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    String url = value(env, URL);
    if (url == null) {
      return Optional.empty();
    }
    Builder b = builder(url);
    String v;
    if ((v = value(env, CELERY_QUEUE)) != null) {
      b.celeryQueue(v);
    }
    if ((v = value(env, CELERY_TASK)) != null) {
      b.celeryTaskName(v);
    }
    if ((v = value(env, REGISTER_QUEUE)) != null) {
      b.registerQueue(v);
    }
    if ((v = value(env, EVENTS_EXCHANGE)) != null) {
      b.eventsExchange(v);
    }
    if ((v = value(env, DEAD_LETTER_QUEUE)) != null) {
      b.deadLetterQueue(v);
    }
    if ((v = value(env, PREFETCH)) != null) {
      try {
        b.prefetch(Integer.parseInt(v));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(PREFETCH + ": '" + v + "' is not a whole number");
      }
    }
    return Optional.of(b.build());
  }

  /** The URL without its password, for logs. */
  public String displayUrl() {
    URI u = URI.create(url);
    String user = u.getRawUserInfo() == null ? "" : u.getRawUserInfo().replaceAll(":.*", ":***") + "@";
    return u.getScheme() + "://" + user + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort())
        + (u.getRawPath() == null ? "" : u.getRawPath());
  }

  @Override
  public String toString() {
    return "AmqpSettings[url=" + displayUrl() + ", celeryQueue=" + celeryQueue + ", celeryTaskName="
        + celeryTaskName + ", registerQueue=" + registerQueue + ", eventsExchange=" + eventsExchange
        + ", deadLetterQueue=" + deadLetterQueue + ", prefetch=" + prefetch + ", intakeThreads=" + intakeThreads + "]";
  }

  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static String checkUrl(String field, String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException(field + ": is required (amqp://user:pass@host:port/vhost)");
    }
    URI u;
    try {
      u = new URI(url.strip());
    } catch (URISyntaxException e) {
      // The reason only: the text holds the password.
      throw new IllegalArgumentException(field + ": is not a URL (" + e.getReason() + " at index " + e.getIndex() + ")");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
      throw new IllegalArgumentException(field + ": must start with amqp:// or amqps://, got '" + scheme + "://'");
    }
    if (u.getHost() == null || u.getHost().isEmpty()) {
      throw new IllegalArgumentException(field + ": has no host");
    }
    return u.toString();
  }

  private static String checkName(String field, String name) {
    if (name == null || name.isEmpty() || name.length() > 255 || name.startsWith("amq.")) {
      throw new IllegalArgumentException(field + ": must be 1 to 255 characters and not start with 'amq.', got '"
          + name + "'");
    }
    return name;
  }

  /** Builds {@link AmqpSettings}; {@link #build()} checks. */
  public static final class Builder {
    private final String url;
    private String celeryQueue = "celery";
    private String celeryTaskName = "ffmpeg.run";
    private String registerQueue = "ffmpeg.register";
    private String eventsExchange = "ffmpeg.events";
    private String deadLetterQueue = "ffmpeg.dead-letter";
    private int prefetch = 64;
    private int intakeThreads = 4;

    private Builder(String url) {
      this.url = url;
    }

    /** The Celery clients' queue (Celery's {@code task_default_queue}). Default {@code celery}. */
    public Builder celeryQueue(String name) {
      this.celeryQueue = name;
      return this;
    }

    /** The Celery task name ({@code app.send_task(name, ...)}). Default {@code ffmpeg.run}. */
    public Builder celeryTaskName(String name) {
      this.celeryTaskName = name;
      return this;
    }

    /** The plain JSON register queue. Default {@code ffmpeg.register}. */
    public Builder registerQueue(String name) {
      this.registerQueue = name;
      return this;
    }

    /** The events' topic exchange. Default {@code ffmpeg.events}. */
    public Builder eventsExchange(String name) {
      this.eventsExchange = name;
      return this;
    }

    /** The dead-letter queue. Default {@code ffmpeg.dead-letter}. */
    public Builder deadLetterQueue(String name) {
      this.deadLetterQueue = name;
      return this;
    }

    /** Unacknowledged request messages per queue. Default 64. */
    public Builder prefetch(int prefetch) {
      this.prefetch = prefetch;
      return this;
    }

    /** How many messages of each queue are registered at once (a consumer channel and thread each). Default 4. */
    public Builder intakeThreads(int threads) {
      this.intakeThreads = threads;
      return this;
    }

    /** The checked settings. */
    public AmqpSettings build() {
      return new AmqpSettings(url, celeryQueue, celeryTaskName, registerQueue, eventsExchange, deadLetterQueue,
          prefetch, intakeThreads);
    }
  }
}
