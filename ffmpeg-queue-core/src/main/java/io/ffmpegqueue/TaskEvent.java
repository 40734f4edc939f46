package io.ffmpegqueue;

import io.ffmpegqueue.ffmpeg.Progress;
import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened to a task, with the task's snapshot right after it. Listeners receive them off
 * the worker threads, in order for each task.
 *
 * @param type what happened
 * @param task the task right after it happened
 * @param progress the progress detail for {@link Type#PROGRESS} events, else {@code null}
 * @param at when it happened (when this process heard of it, for a remote event)
 * @param remote whether another process made the change and this one heard of it through a shared backend
 *     ({@link io.ffmpegqueue.spi.BackendListener#onRemoteEvent}); false for what this process's own
 *     submissions, cancels and workers did. Each change is local to exactly one process, so counting only
 *     local events in every process counts each change once.
 */
public record TaskEvent(Type type, Task task, Progress progress, Instant at, boolean remote) {
  /** Checks the required fields. */
  public TaskEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(at, "at");
  }

  /** A local event: this process made the change. */
  public TaskEvent(Type type, Task task, Progress progress, Instant at) {
    this(type, task, progress, at, false);
  }

  /** The kinds of events. */
  public enum Type {
    /** The task was accepted and is PENDING. */
    SUBMITTED,
    /**
     * A task that waited for others ({@link TaskRequest#dependsOn()}) became ready to run: the last of them
     * completed. Reported by the backend that made the change, so {@link TaskEvent#remote()} is true.
     */
    READY,
    /** A worker took the task; it is RUNNING. */
    STARTED,
    /** The running task made progress; see {@link TaskEvent#progress()}. */
    PROGRESS,
    /** An attempt failed and another is scheduled; the task is PENDING until {@link Task#runAt()}. */
    RETRY_SCHEDULED,
    /** The task completed; its outputs are stored. */
    COMPLETED,
    /** The task failed for good; {@link Task#error()} says why. */
    FAILED,
    /** The task was cancelled. */
    CANCELLED;

    /** Whether this event ends the task's life. */
    public boolean isFinal() {
      return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
  }

  /** The id of the task. */
  public TaskId taskId() {
    return task.id();
  }
}
