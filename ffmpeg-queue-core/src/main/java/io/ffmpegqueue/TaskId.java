package io.ffmpegqueue;

import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The identity of a task: a random UUID unless the host supplies its own. Ids are unguessable so that
 * knowing one task's id does not let a client poll or cancel another's.
 *
 * @param value the id as text: 1 to 128 characters out of letters, digits, {@code _} and {@code -}
 */
public record TaskId(String value) implements Comparable<TaskId> {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  /** Checks the id's form, since ids travel in URLs and file names. */
  public TaskId {
    Objects.requireNonNull(value, "value");
    if (!VALID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "task id must be 1 to 128 letters, digits, '_' or '-', got '" + abbreviate(value) + "'");
    }
  }

  /** A new random id. */
  public static TaskId random() {
    return new TaskId(UUID.randomUUID().toString());
  }

  /** The id of the given text; see the class comment for the form. */
  public static TaskId of(String value) {
    return new TaskId(value);
  }

  @Override
  public int compareTo(TaskId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
