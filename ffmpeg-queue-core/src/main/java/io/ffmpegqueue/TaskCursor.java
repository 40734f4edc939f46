package io.ffmpegqueue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * A position in a {@link TaskSearch}'s order: a task's creation time and id. Its {@link #encode() text form}
 * is the opaque {@code cursor} of the HTTP API. Ordered as tasks are by the search's key, oldest first
 * ({@code compareTo < 0}: older).
 *
 * @param createdAt the task's creation time, to the microsecond (what every backend keeps)
 * @param id the task's id, the tie-breaker
 */
public record TaskCursor(Instant createdAt, TaskId id) implements Comparable<TaskCursor> {
  /** Checks the fields and cuts the time to the microsecond. */
  public TaskCursor {
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(id, "id");
    createdAt = createdAt.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }

  /** The position of {@code task}. */
  public static TaskCursor of(Task task) {
    return new TaskCursor(task.createdAt(), task.id());
  }

  /** The text form: URL-safe, opaque to clients. */
  public String encode() {
    String plain = createdAt.getEpochSecond() + "." + createdAt.getNano() + ":" + id.value();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The cursor of a text form made by {@link #encode()}.
   *
   * @throws IllegalArgumentException when {@code text} is not one
   */
  public static TaskCursor parse(String text) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      int dot = plain.indexOf('.');
      int colon = plain.indexOf(':');
      Instant at = Instant.ofEpochSecond(Long.parseLong(plain.substring(0, dot)),
          Long.parseLong(plain.substring(dot + 1, colon)));
      return new TaskCursor(at, TaskId.of(plain.substring(colon + 1)));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a cursor this API made: '"
          + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'", e);
    }
  }

  @Override
  public int compareTo(TaskCursor o) {
    int c = createdAt.compareTo(o.createdAt);
    return c != 0 ? c : id.value().compareTo(o.id.value());
  }
}
