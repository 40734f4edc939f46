package io.ffmpegqueue.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * A register body's {@code run_at} (RFC 3339) or {@code delay_seconds}: when the task may run at the earliest.
 * Either, not both; a time more than {@link #PAST_ALLOWANCE} in the past (a clock far off, or a typo) and one more
 * than {@link #MAX_AHEAD} ahead are refused, naming the field.
 */
final class RunAtField {
  /** How far in the past a {@code run_at} may be (clocks differ): it runs at once. */
  static final Duration PAST_ALLOWANCE = Duration.ofMinutes(5);
  /** How far ahead a task may be scheduled. */
  static final Duration MAX_AHEAD = Duration.ofDays(365);

  private RunAtField() {}

  /** The run time the body asks for, or {@code null} when it gives neither field. */
  static Instant parse(JsonNode root, Instant now) {
    JsonNode at = root.get("run_at");
    JsonNode delay = root.get("delay_seconds");
    boolean hasAt = at != null && !at.isNull();
    boolean hasDelay = delay != null && !delay.isNull();
    if (hasAt && hasDelay) {
      throw ApiException.badField("run_at", "and delay_seconds are both given; give one of them");
    }
    if (hasDelay) {
      if (!delay.isNumber() || delay.asDouble() < 0 || delay.asDouble() > MAX_AHEAD.toSeconds()) {
        throw ApiException.badField("delay_seconds", "must be a number of seconds from 0 to "
            + MAX_AHEAD.toSeconds() + " (365 days), got " + abbreviate(delay.toString()));
      }
      return now.plusMillis(Math.round(delay.asDouble() * 1000));
    }
    if (!hasAt) {
      return null;
    }
    Instant runAt;
    try {
      runAt = OffsetDateTime.parse(at.isTextual() ? at.asText() : "").toInstant();
    } catch (DateTimeParseException e) {
      throw ApiException.badField("run_at", "must be an RFC 3339 time such as \"2026-12-01T10:00:00Z\", got "
          + abbreviate(at.toString()));
    }
    if (runAt.isBefore(now.minus(PAST_ALLOWANCE))) {
      throw ApiException.badField("run_at", "is in the past (" + runAt + "; the server's time is " + now
          + "); leave it out to run the task at once");
    }
    if (runAt.isAfter(now.plus(MAX_AHEAD))) {
      throw ApiException.badField("run_at", "is more than 365 days ahead (" + runAt + ")");
    }
    return runAt;
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
