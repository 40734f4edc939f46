package io.ffmpegqueue.spi;

import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskOutput;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** How an attempt ended, for {@link QueueBackend#finish}. */
public sealed interface Outcome {

  /** The task completed with these outputs. */
  record Completed(List<TaskOutput> outputs) implements Outcome {
    /** Copies the outputs. */
    public Completed {
      outputs = List.copyOf(outputs);
    }
  }

  /**
   * The attempt failed: for good when {@code retryAt} is {@code null}, else the task waits PENDING until
   * {@code retryAt}.
   */
  record Failed(TaskError error, Instant retryAt) implements Outcome {
    /** Checks the error is present. */
    public Failed {
      Objects.requireNonNull(error, "error");
    }
  }

  /** The task was cancelled while it ran. */
  record Cancelled(String reason) implements Outcome {}

  /**
   * The worker gives the task back unfinished (it is shutting down): PENDING again, ready at once, and its
   * attempt is not counted: the backend stores the attempt one lower, so a task handed back and then run to
   * its end elsewhere never reads more attempts than its limit. The releasing worker never writes with that
   * lease again, so the next claim may reuse the number as its fencing token.
   */
  record Released() implements Outcome {}

  /**
   * The attempt ends unfinished and the task waits for {@code tasks} before it runs again: a continuation, for a
   * task that has handed its work to other tasks it enqueued (split-and-stitch's parts). Only for a backend that
   * is {@link TaskContinuations}; see there for what it does.
   */
  record Await(List<TaskId> tasks) implements Outcome {
    /** Copies the ids and checks there is at least one. */
    public Await {
      tasks = List.copyOf(tasks);
      if (tasks.isEmpty()) {
        throw new IllegalArgumentException("Await needs at least one task to wait for");
      }
    }
  }
}
