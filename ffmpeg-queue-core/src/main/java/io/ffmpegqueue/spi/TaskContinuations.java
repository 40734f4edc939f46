package io.ffmpegqueue.spi;

import java.util.Optional;

/**
 * Optional SPI: a {@link TaskGraphs} backend whose {@link QueueBackend#finish finish} takes
 * {@link Outcome.Await}, so that a running task can hand its work to tasks it enqueued and run again when they
 * have completed (split-and-stitch). The in-memory, PostgreSQL and Redis backends are. What
 * {@code finish(lease, new Await(ids))} does, in one atomic step with the lease check (a stale lease gets
 * {@link LeaseLostException}, nothing changes):
 * <ol>
 *   <li>It refuses an unknown id or the task itself with {@link io.ffmpegqueue.InvalidTaskException} on field
 *       {@code depends_on}, changing nothing.</li>
 *   <li>It adds the ids not yet there to the task's {@link io.ffmpegqueue.TaskRequest#dependsOn() dependsOn}
 *       (edges as for a task enqueued with them) and stores it PENDING with {@code waitingFor} = those of its
 *       parents not COMPLETED yet; with none, it is ready at once. The attempt is not counted, as for
 *       {@link Outcome.Released}: the backend stores it one lower, so the task's later run gets the same
 *       number and a split never costs a task one of its {@code maxAttempts}.</li>
 *   <li>When one of the ids has already ended FAILED or CANCELLED, the task is ready at once instead: it runs
 *       again and decides what that end means (a split task fails with its part's error).</li>
 *   <li>When a cancel of the task was asked for while it ran ({@link QueueBackend#cancel} on it RUNNING), it ends
 *       CANCELLED ({@link io.ffmpegqueue.ErrorKind#CANCELLED}, "cancelled while running") instead, with the ids
 *       added to its {@code dependsOn}, and each of those tasks that has not ended is cancelled as
 *       {@link QueueBackend#cancel} would (they were its work): a cancel that came while the task enqueued them
 *       is never lost. The listeners of every process, this one's too, hear {@code onRemoteEvent(CANCELLED, id)}
 *       of the task and of each task this ended (no worker tells of them).</li>
 * </ol>
 * From then on the task is a waiting task like any other: the graph rules of {@link TaskGraphs} ready it when
 * the last of its parents completes, in that same step, but one difference: when one of the tasks it awaited ends
 * FAILED or CANCELLED while it waits, it is readied in that step (and waits for the others no more) rather than
 * cancelled (rule 1 of {@link TaskGraphs}), so that its next run decides.
 */
public interface TaskContinuations extends TaskGraphs {

  /**
   * The continuations of {@code backend}: the backend itself when it takes {@link Outcome.Await}, or those of
   * the backend a {@link ForwardingQueueBackend} passes its calls to; empty when it does not.
   */
  static Optional<TaskContinuations> of(QueueBackend backend) {
    if (backend instanceof TaskContinuations c) {
      return Optional.of(c);
    }
    if (backend instanceof ForwardingQueueBackend forwarding) {
      return of(forwarding.delegate());
    }
    return Optional.empty();
  }
}
