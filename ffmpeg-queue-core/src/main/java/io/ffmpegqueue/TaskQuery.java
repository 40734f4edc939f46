package io.ffmpegqueue;

/**
 * Which tasks to list: those of one status (or all, when {@code status} is {@code null}), a page at a time.
 * Final tasks come newest first; pending ones in the order they will run.
 *
 * @param status the status to list, or {@code null} for every status
 * @param limit the most tasks to return, 1 to 1000
 * @param offset how many matching tasks to skip
 * @param waiting {@code true} for only the PENDING tasks that wait for others ({@link Task#isWaiting()}),
 *     {@code false} for only the tasks that do not, {@code null} for both
 */
public record TaskQuery(TaskStatus status, int limit, int offset, Boolean waiting) {
  /** The largest page. */
  public static final int MAX_LIMIT = 1000;

  /** Validates the page. */
  public TaskQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative, got " + offset);
    }
  }

  /** A page of the tasks of {@code status} ({@code null} for all), waiting or not. */
  public TaskQuery(TaskStatus status, int limit, int offset) {
    this(status, limit, offset, null);
  }

  /** This query for only the tasks that wait for others ({@code true}), only the others, or both ({@code null}). */
  public TaskQuery waiting(Boolean waiting) {
    return new TaskQuery(status, limit, offset, waiting);
  }

  /** Whether {@code task} matches the status and waiting filters (the page aside). */
  public boolean matches(Task task) {
    return (status == null || task.status() == status) && (waiting == null || task.isWaiting() == waiting);
  }

  /** The first {@code limit} tasks of {@code status} ({@code null} for all). */
  public static TaskQuery of(TaskStatus status, int limit) {
    return new TaskQuery(status, limit, 0);
  }
}
