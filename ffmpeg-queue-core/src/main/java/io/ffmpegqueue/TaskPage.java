package io.ffmpegqueue;

import java.util.List;

/**
 * One page of a {@link TaskSearch}.
 *
 * @param tasks the tasks, newest first
 * @param next where the next page starts, or {@code null} when this page is the last
 */
public record TaskPage(List<Task> tasks, TaskCursor next) {
  /** Copies the tasks. */
  public TaskPage {
    tasks = List.copyOf(tasks);
  }

  /** The page of {@code tasks} (at most {@code limit + 1} of them: one more tells that a next page exists). */
  public static TaskPage of(List<Task> tasks, int limit) {
    if (tasks.size() <= limit) {
      return new TaskPage(tasks, null);
    }
    List<Task> page = tasks.subList(0, limit);
    return new TaskPage(page, TaskCursor.of(page.get(limit - 1)));
  }
}
