package io.ffmpegqueue;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.nio.charset.StandardCharsets;

/**
 * The webhook of a task that ended: where it goes, whether it arrived, and every attempt. Stored by the
 * backend, so a process that restarts resumes deliveries that are still due.
 *
 * @param deliveryId the id receivers de-duplicate on ({@code X-FFQ-Delivery}); the same for every attempt
 * @param url where the task's final JSON is POSTed
 * @param state where the delivery is
 * @param attempts every attempt so far, oldest first
 * @param nextAttemptAt when the next attempt is due, or {@code null} once delivered or given up
 */
public record WebhookDelivery(String deliveryId, URI url, State state, List<WebhookAttempt> attempts,
    Instant nextAttemptAt) {

  /** Where a delivery is. */
  public enum State {
    /** Not delivered yet; an attempt is due at {@code nextAttemptAt}. */
    PENDING,
    /** The receiver answered 2xx. */
    DELIVERED,
    /** Every attempt failed, or the receiver can never take it (a refused address, a 4xx). */
    FAILED
  }

  /** Checks the fields and copies the attempts. */
  public WebhookDelivery {
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(state, "state");
    attempts = attempts == null ? List.of() : List.copyOf(attempts);
  }

  /** A new delivery of task {@code id}'s end to {@code url}, due at {@code now}. */
  public static WebhookDelivery first(TaskId id, URI url, Instant now) {
    return new WebhookDelivery(deliveryIdOf(id), url, State.PENDING, List.of(), now);
  }

  /**
   * The delivery id of a task's webhook: derived from the task id, so every process that starts the same
   * delivery agrees on it.
   */
  public static String deliveryIdOf(TaskId id) {
    return UUID.nameUUIDFromBytes(("ffq-webhook:" + id.value()).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** This delivery with {@code attempt} added, in {@code state}, next due at {@code next}. */
  public WebhookDelivery after(WebhookAttempt attempt, State state, Instant next) {
    List<WebhookAttempt> all = new ArrayList<>(attempts);
    all.add(attempt);
    return new WebhookDelivery(deliveryId, url, state, all, next);
  }
}
