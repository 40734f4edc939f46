package io.ffmpegqueue;

import java.util.Locale;

/**
 * Where a task is in its life: {@code PENDING -> RUNNING -> COMPLETED | FAILED}, plus
 * {@code CANCELLED}. A failed attempt that will be retried goes back to {@code PENDING}.
 */
public enum TaskStatus {
  /** Waiting for a worker (new, or waiting for a retry). */
  PENDING,
  /** A worker holds the task's lease and is working on it. */
  RUNNING,
  /** Finished; the outputs are stored. */
  COMPLETED,
  /** Finished without outputs; {@link Task#error()} says why. */
  FAILED,
  /** Cancelled before it completed. */
  CANCELLED;

  /** Whether the task will not change any more. */
  public boolean isFinal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  /** The lowercase name used on the wire ({@code "pending"}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The status of a wire name, case-insensitively. */
  public static TaskStatus fromWireName(String name) {
    for (TaskStatus s : values()) {
      if (s.name().equalsIgnoreCase(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown status '" + name + "' (expected pending, running, completed, failed or cancelled)");
  }
}
