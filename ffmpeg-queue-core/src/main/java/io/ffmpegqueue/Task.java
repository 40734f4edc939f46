package io.ffmpegqueue;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An immutable snapshot of a task: what was asked, where it is in its life, and its result. A new
 * snapshot is made for every change; {@link FfmpegQueueClient#find(TaskId)} returns the latest.
 *
 * @param id the task's id
 * @param request what was asked, with the queue's defaults filled in
 * @param status where the task is in its life
 * @param attempt how many attempts have started (0 while it never ran), not counting those handed back
 *     unfinished at a worker's shutdown ({@link io.ffmpegqueue.spi.Outcome.Released}), so it never exceeds
 *     the task's attempt limit; counted from 0 again after a retry by hand, so the fencing token of the current
 *     lease is {@link io.ffmpegqueue.spi.Lease#fence()}, which also counts the attempts before
 * @param progress how far the current attempt is, from 0 to 1, or {@code null} when unknown
 * @param outputs the stored outputs, in the request's order, once {@link TaskStatus#COMPLETED}
 * @param error why the task failed (or why the last attempt failed, while a retry waits), or {@code null}
 * @param createdAt when the task was submitted
 * @param runAt the earliest time a worker may take it (later than {@code createdAt} for a retry)
 * @param startedAt when the current or last attempt started, or {@code null}
 * @param finishedAt when it reached a final status, or {@code null}
 * @param waitingFor the tasks of {@link #dependsOn()} that have not completed yet, in that order
 *     ({@code waiting_for} in the JSON form): while it is not empty a PENDING task is <em>waiting</em>, not
 *     ready, and no worker takes it; empty once the task is ready or has ended
 */
public record Task(
    TaskId id,
    TaskRequest request,
    TaskStatus status,
    int attempt,
    Double progress,
    List<TaskOutput> outputs,
    TaskError error,
    Instant createdAt,
    Instant runAt,
    Instant startedAt,
    Instant finishedAt,
    List<TaskId> waitingFor) {

  /** Checks the required fields and copies the outputs. */
  public Task {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    if (runAt == null) {
      runAt = createdAt;
    }
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
    waitingFor = waitingFor == null ? List.of() : List.copyOf(waitingFor);
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must not be negative");
    }
  }

  /**
   * A new PENDING task for {@code request}, created at {@code now}, waiting for all of its
   * {@link TaskRequest#dependsOn()} (the backend leaves out those that have completed when it stores it). It runs
   * at the request's {@link TaskRequest#runAt()} when that is later than {@code now}, which the task keeps as its
   * {@link #runAt()} in the request's stead.
   */
  public static Task pending(TaskId id, TaskRequest request, Instant now) {
    Instant runAt = request.runAt() != null && request.runAt().isAfter(now) ? request.runAt() : now;
    TaskRequest r = request.runAt() == null ? request : request.toBuilder().runAt(null).build();
    return new Task(id, r, TaskStatus.PENDING, 0, null, List.of(), null, now, runAt, null, null, r.dependsOn());
  }

  /** The tasks this one waits for, as its request names them ({@link TaskRequest#dependsOn()}). */
  public List<TaskId> dependsOn() {
    return request.dependsOn();
  }

  /** Whether the task is PENDING and still waits for other tasks ({@link #waitingFor()} is not empty). */
  public boolean isWaiting() {
    return status == TaskStatus.PENDING && !waitingFor.isEmpty();
  }

  /** The first output's URI ({@code output_url} in the JSON form), or {@code null} until completed. */
  public String outputUrl() {
    if (outputs.isEmpty()) {
      return null;
    }
    String url = outputs.get(0).uri().toString();
    String first = request.outputFilename();
    String name = outputs.get(0).name();
    // A folder declared first: its prefix URL, ending in '/' ({@code s3://bucket/ffmpeg-outputs/{id}/hls/}).
    if (first.endsWith("/") && url.endsWith(name)) {
      return url.substring(0, url.length() - name.length()) + first;
    }
    return url;
  }

  /** The error's message ({@code error_message} in the JSON form), or {@code null}. */
  public String errorMessage() {
    return error == null ? null : error.message();
  }

  /** A builder that starts from this snapshot, to make the next one. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds the next snapshot of a task from the previous one. */
  public static final class Builder {
    private final TaskId id;
    private final TaskRequest request;
    private final Instant createdAt;
    private TaskStatus status;
    private int attempt;
    private Double progress;
    private List<TaskOutput> outputs;
    private TaskError error;
    private Instant runAt;
    private Instant startedAt;
    private Instant finishedAt;
    private List<TaskId> waitingFor;

    private Builder(Task t) {
      id = t.id;
      request = t.request;
      createdAt = t.createdAt;
      status = t.status;
      attempt = t.attempt;
      progress = t.progress;
      outputs = t.outputs;
      error = t.error;
      runAt = t.runAt;
      startedAt = t.startedAt;
      finishedAt = t.finishedAt;
      waitingFor = t.waitingFor;
    }

    /** Sets the status. */
    public Builder status(TaskStatus status) {
      this.status = status;
      return this;
    }

    /** Sets the attempt count. */
    public Builder attempt(int attempt) {
      this.attempt = attempt;
      return this;
    }

    /** Sets the progress (0..1) or {@code null}. */
    public Builder progress(Double progress) {
      this.progress = progress;
      return this;
    }

    /** Sets the stored outputs. */
    public Builder outputs(List<TaskOutput> outputs) {
      this.outputs = outputs;
      return this;
    }

    /** Sets the error, or {@code null}. */
    public Builder error(TaskError error) {
      this.error = error;
      return this;
    }

    /** Sets the earliest time a worker may take the task. */
    public Builder runAt(Instant runAt) {
      this.runAt = runAt;
      return this;
    }

    /** Sets when the current attempt started. */
    public Builder startedAt(Instant startedAt) {
      this.startedAt = startedAt;
      return this;
    }

    /** Sets when the task reached its final status. */
    public Builder finishedAt(Instant finishedAt) {
      this.finishedAt = finishedAt;
      return this;
    }

    /** Sets the tasks it still waits for (empty when ready). */
    public Builder waitingFor(List<TaskId> waitingFor) {
      this.waitingFor = waitingFor;
      return this;
    }

    /** The snapshot. */
    public Task build() {
      return new Task(id, request, status, attempt, progress, outputs, error, createdAt, runAt, startedAt, finishedAt,
          waitingFor);
    }
  }
}
