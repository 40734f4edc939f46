package io.ffmpegqueue.spi;

import io.ffmpegqueue.TaskId;
import java.util.List;
import java.util.Optional;

/**
 * Optional SPI: a backend that keeps task graphs, implemented beside {@link QueueBackend} by the same class (the
 * in-memory and PostgreSQL backends are). A queue refuses a request with
 * {@link io.ffmpegqueue.TaskRequest#dependsOn() dependencies} (or {@code task://} inputs) when its backend is not
 * one, so that a backend without graphs never runs a task before its parents.
 *
 * <p>A task's <em>parents</em> are the tasks of its {@code dependsOn}; it is their <em>child</em>. What the backend
 * does, each step atomically with the change that causes it (in the same transaction, statement or lock, so that no
 * interleaving of workers and no crash between two steps loses a child or readies it twice):
 * <ol>
 *   <li><b>{@link QueueBackend#enqueue enqueue}</b> refuses a task that names an unknown task (never stored, or
 *       pruned) or itself with {@link io.ffmpegqueue.InvalidTaskException} on field {@code depends_on}, naming the
 *       id. Since parents must exist before a child, no cycle can form. It stores the task PENDING with
 *       {@link io.ffmpegqueue.Task#waitingFor() waitingFor} = the parents not COMPLETED yet, in {@code dependsOn}'s
 *       order; when a parent has already ended FAILED or CANCELLED, the task is stored CANCELLED at once (as in
 *       rule 3). Capacity counts waiting tasks as pending.</li>
 *   <li><b>Readiness.</b> When a parent ends COMPLETED ({@link QueueBackend#finish finish} or
 *       {@link QueueBackend#finishAndClaim finishAndClaim}), the same step removes it from each child's
 *       {@code waitingFor}; a child whose {@code waitingFor} becomes empty is ready (claimable from then on, its
 *       {@code runAt} the completion time). A PENDING task that waits is never claimed and is not counted by
 *       {@link QueueBackend#pendingCount()}, which counts ready tasks; {@link QueueBackend#counts()} counts it as
 *       PENDING. A parent that fails an attempt and is retried is not ended: its children keep waiting.</li>
 *   <li><b>Failure cascade.</b> When a parent ends FAILED or CANCELLED (finish, cancel, lease expiry with no
 *       attempts left), the same step ends every child still PENDING as CANCELLED with
 *       {@link io.ffmpegqueue.ErrorKind#DEPENDENCY} and a message naming the parent and its error
 *       ({@code "task P failed: <P's error message>"} or {@code "task P was cancelled"}), and so on down the
 *       graph. Each task so ended gets its webhook delivery stored as for any task that ends
 *       ({@link WebhookOutbox}).</li>
 *   <li><b>Cancel cascade.</b> {@link QueueBackend#cancel cancel} of a PENDING task cascades at once as in rule
 *       3; of a RUNNING task, when its worker ends it CANCELLED. Cancelling a child leaves its parents alone.</li>
 *   <li><b>Retention.</b> {@link QueueBackend#prune prune} keeps a final task while a child of it has not
 *       ended (its outputs and status are still needed).</li>
 *   <li><b>Events.</b> The backend tells its listeners ({@link QueueBackend#addListener}) of each task it changed
 *       as a consequence of a call on another task: {@code onRemoteEvent(READY, child)} for a child that became
 *       ready, {@code onRemoteEvent(CANCELLED, child)} for one the cascade ended, in every process that listens,
 *       the calling one included (an in-memory backend calls them after the change, outside its lock).</li>
 * </ol>
 * The work per step is bounded by the edges it touches: one indexed step per edge of the parent that ended
 * (never a scan of all tasks), so a join of 10,000 parents costs the same per parent as one of two.
 * {@code QueueBackendContract}'s graph group checks all this.
 */
public interface TaskGraphs {

  /**
   * The graphs of {@code backend}: the backend itself when it keeps them, or those of the backend a
   * {@link ForwardingQueueBackend} passes its calls to; empty when it does not keep graphs.
   */
  static Optional<TaskGraphs> of(QueueBackend backend) {
    if (backend instanceof TaskGraphs graphs) {
      return Optional.of(graphs);
    }
    if (backend instanceof ForwardingQueueBackend forwarding) {
      return of(forwarding.delegate());
    }
    return Optional.empty();
  }

  /** The stored tasks that name {@code parent} in their {@code dependsOn}, in submission order. */
  List<TaskId> dependents(TaskId parent);
}
