package io.ffmpegqueue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a queue delivers webhooks: the signing secret, the retry schedule, and which hosts besides public
 * ones a webhook may go to. Each task names its own URL ({@link TaskRequest#webhookUrl()}).
 *
 * <pre>{@code
 * FfmpegQueue.builder().webhooks(WebhookSettings.builder().secret(System.getenv("WEBHOOK_SECRET")).build())
 * }</pre>
 *
 * <p>Each delivery is a {@code POST} of the task's final JSON with {@code X-FFQ-Delivery} (the same for
 * every retry), {@code X-FFQ-Timestamp} (Unix seconds) and {@code X-FFQ-Signature:
 * sha256=<hex HMAC-SHA256 of timestamp + "." + body>}. Network errors and 5xx (and 408, 429) are retried
 * on the schedule; other answers, and URLs the address guard refuses, end it.
 *
 * @param secret the HMAC key, or {@code null} to send no signature
 * @param backoff the delay before each attempt: the first (usually 0) and one per retry
 * @param allowedHosts hosts, addresses and CIDR ranges a webhook may go to besides public addresses (as
 *     {@code INPUT_ALLOWED_HOSTS}); loopback and private addresses are refused unless listed
 * @param timeout how long one attempt may take
 * @param pollInterval how often stored deliveries are checked for due ones
 */
public record WebhookSettings(String secret, List<Duration> backoff, List<String> allowedHosts, Duration timeout,
    Duration pollInterval) {

  /** The default schedule: at once, then after 5 s, 30 s, 2 min, 10 min and 1 h. */
  public static final List<Duration> DEFAULT_BACKOFF = List.of(Duration.ZERO, Duration.ofSeconds(5),
      Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofHours(1));

  /** Checks and copies. */
  public WebhookSettings {
    backoff = List.copyOf(backoff == null || backoff.isEmpty() ? DEFAULT_BACKOFF : backoff);
    for (Duration d : backoff) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("webhook backoff delays must not be negative");
      }
    }
    allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(pollInterval, "pollInterval");
    if (timeout.isNegative() || timeout.isZero() || pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("webhook timeout and pollInterval must be positive");
    }
  }

  /** A builder with the defaults: no secret, {@link #DEFAULT_BACKOFF}, public hosts only, 10 s, 1 s. */
  public static Builder builder() {
    return new Builder();
  }

  /** No secret in {@code toString()}. */
  @Override
  public String toString() {
    return "WebhookSettings[secret=" + (secret == null ? "none" : "***") + ", backoff=" + backoff
        + ", allowedHosts=" + allowedHosts + ", timeout=" + timeout + ", pollInterval=" + pollInterval + "]";
  }

  /** Builds {@link WebhookSettings}. */
  public static final class Builder {
    private String secret;
    private List<Duration> backoff = DEFAULT_BACKOFF;
    private final List<String> allowedHosts = new ArrayList<>();
    private Duration timeout = Duration.ofSeconds(10);
    private Duration pollInterval = Duration.ofSeconds(1);

    private Builder() {}

    /** The HMAC-SHA256 key ({@code WEBHOOK_SECRET}). */
    public Builder secret(String secret) {
      this.secret = secret;
      return this;
    }

    /** The delay before each attempt, the first included. */
    public Builder backoff(List<Duration> delays) {
      this.backoff = List.copyOf(delays);
      return this;
    }

    /** Allows a host, address or CIDR range besides public addresses (e.g. {@code 127.0.0.1} in tests). */
    public Builder allowHost(String entry) {
      allowedHosts.add(Objects.requireNonNull(entry, "entry"));
      return this;
    }

    /** How long one attempt may take. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** How often stored deliveries are checked for due ones. */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = interval;
      return this;
    }

    /** The settings. */
    public WebhookSettings build() {
      return new WebhookSettings(secret, backoff, allowedHosts, timeout, pollInterval);
    }
  }
}
