package io.ffmpegqueue.spi;

import java.util.Optional;

/**
 * Optional SPI: a {@link TaskGraphs} backend whose {@link QueueBackend#finish finish} takes
 * {@link Outcome.Await}, so that a running task can hand its work to tasks it enqueued and run again when they
 * have completed (split-and-stitch). The in-memory backend is one. What {@code finish(lease, new Await(ids))}
 * does, in one atomic step with the lease check (a stale lease gets {@link LeaseLostException}, nothing changes):
 * <ol>
 *   <li>It refuses an unknown id or the task itself with {@link io.ffmpegqueue.InvalidTaskException} on field
 *       {@code depends_on}, changing nothing.</li>
 *   <li>It adds the ids not yet there to the task's {@link io.ffmpegqueue.TaskRequest#dependsOn() dependsOn}
 *       (edges as for a task enqueued with them) and stores it PENDING with {@code waitingFor} = those of its
 *       parents not COMPLETED yet; with none, it is ready at once. The attempt is not counted, as for
 *       {@link Outcome.Released}: the backend stores it one lower, so the task's later run gets the same
 *       number and a split never costs a task one of its {@code maxAttempts}.</li>
 *   <li>When one of the ids has already ended FAILED or CANCELLED, the task ends CANCELLED with
 *       {@link io.ffmpegqueue.ErrorKind#DEPENDENCY} at once (rule 1 of {@link TaskGraphs}), and its own
 *       children with it (rule 3).</li>
 * </ol>
 * From then on the task is a waiting task like any other: the graph rules of {@link TaskGraphs} ready it when
 * the last of its parents completes, in that same step, or cancel it when one fails.
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
