package io.ffmpegqueue;

import java.time.Instant;
import java.util.Objects;

/**
 * One try to deliver a task's webhook.
 *
 * @param at when it was made
 * @param statusCode the receiver's HTTP status, or {@code null} when none came (network error, refused)
 * @param error what went wrong (a network error, a refused address, a non-2xx answer), or {@code null}
 */
public record WebhookAttempt(Instant at, Integer statusCode, String error) {
  /** Checks the time. */
  public WebhookAttempt {
    Objects.requireNonNull(at, "at");
  }

  /** Whether the receiver took it (a 2xx answer). */
  public boolean delivered() {
    return statusCode != null && statusCode >= 200 && statusCode < 300;
  }
}
