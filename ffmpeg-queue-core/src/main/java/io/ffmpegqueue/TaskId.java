package io.ffmpegqueue;

import java.util.Objects;
import java.util.UUID;

/**
 * The identity of a task: a random UUID unless the host supplies its own. Ids are unguessable so that
 * knowing one task's id does not let a client poll or cancel another's.
 *
 * @param value the id as text: 1 to 128 characters out of letters, digits, {@code _} and {@code -}
 */
public record TaskId(String value) implements Comparable<TaskId> {
  /** Checks the id's form, since ids travel in URLs and file names. */
  public TaskId {
    Objects.requireNonNull(value, "value");
    if (!isValid(value)) {
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

  // The form [A-Za-z0-9_-]{1,128}, checked by hand: every submission makes an id, and a regex match cost
  // more than the random UUID itself.
  private static boolean isValid(String s) {
    int n = s.length();
    if (n < 1 || n > 128) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
