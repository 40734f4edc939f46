package io.ffmpegqueue;

import java.time.Instant;
import java.util.Objects;

/**
 * A task's attempts before it was retried by hand ({@code POST /ffmpeg/tasks/{id}/retry}): how the series
 * ended. A retry starts a new series with the attempt count at 0; the ones before are kept as these.
 *
 * @param series its number, from 1
 * @param attempts how many attempts it made
 * @param status how it ended (FAILED or CANCELLED)
 * @param error its last error, or {@code null}
 * @param startedAt when its last attempt started, or {@code null} when none did
 * @param finishedAt when it ended
 */
public record AttemptSeries(
    int series, int attempts, TaskStatus status, TaskError error, Instant startedAt, Instant finishedAt) {
  /** Checks the required fields. */
  public AttemptSeries {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(finishedAt, "finishedAt");
  }

  /** The series that {@code task}, final, ends, numbered {@code series}. */
  public static AttemptSeries of(int series, Task task) {
    return new AttemptSeries(series, task.attempt(), task.status(), task.error(), task.startedAt(),
        task.finishedAt() != null ? task.finishedAt() : task.createdAt());
  }
}
