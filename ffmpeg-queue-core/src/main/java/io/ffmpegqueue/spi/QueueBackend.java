package io.ffmpegqueue.spi;

import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskRejectedException;
import io.ffmpegqueue.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where tasks live between submission and their end: the in-memory backend in one JVM, a database
 * shared by many. Implementations are thread-safe and prove themselves by passing
 * {@code QueueBackendContract} from {@code ffmpeg-queue-testing}.
 *
 * <p><b>Leases and fencing.</b> {@link #claim} hands a task to a worker under a lease that the worker
 * renews; the lease carries a fencing token ({@link Lease#fence()}: the attempts the task has started over its
 * life, retries by hand included). {@link #renew} and
 * {@link #finish} with a token that is no longer current (the lease expired and the task was handed
 * to another worker, or it was cancelled and finished) are refused, so a worker that lost its lease can
 * never overwrite a newer attempt's result.
 *
 * <p>Tasks only: a backend that also stores webhook deliveries implements {@link WebhookOutbox} as well, and one
 * that keeps task graphs (tasks that wait for others, {@link io.ffmpegqueue.TaskRequest#dependsOn()}) implements
 * {@link TaskGraphs}, whose javadoc says what that adds to the methods here. "Ready" below means PENDING, due, and
 * not waiting for other tasks.
 */
public interface QueueBackend extends AutoCloseable {

  /**
   * Stores a new PENDING task. When the request has an idempotency key that an earlier task (still kept)
   * has, nothing is stored and that task is returned with {@code created == false}.
   *
   * @throws TaskRejectedException with {@link TaskRejectedException.Reason#QUEUE_FULL} when the backend
   *     holds as many pending tasks as it may
   */
  Enqueued enqueue(Task task);

  /**
   * Takes up to {@code request.maxTasks()} ready tasks, highest priority (lowest value) first, then in
   * submission order, and leases them to the worker: each is RUNNING with its attempt increased by one.
   * Waits up to {@code request.maxWait()} for work when none is ready; never takes more than asked.
   *
   * @return the leases, possibly none when the wait ran out
   * @throws InterruptedException when the waiting thread is interrupted
   */
  List<Lease> claim(ClaimRequest request) throws InterruptedException;

  /**
   * Extends a lease and records the task's progress.
   *
   * @return whether the lease is still held, and whether a cancel was requested
   */
  LeaseState renew(Renewal renewal);

  /**
   * Ends an attempt with its outcome, atomically with the lease check.
   *
   * @return the task after the change
   * @throws LeaseLostException when the lease is no longer current
   */
  Task finish(Lease lease, Outcome outcome);

  /**
   * What a worker does between two tasks, in one call: ends an attempt as {@link #finish} does, then takes up to
   * {@code next.maxTasks()} ready tasks as {@link #claim} does, without waiting ({@code next.maxWait()} is not
   * used). A shared backend can write both in one round trip; this default calls the two in turn, and a claim
   * that fails after the end was written claims nothing (the worker's next claim will see the failure).
   *
   * @return the task after the change ({@code null} when the lease was no longer current and nothing was
   *     written for it) and the new leases
   */
  default Handover finishAndClaim(Lease lease, Outcome outcome, ClaimRequest next) {
    Task finished;
    try {
      finished = finish(lease, outcome);
    } catch (LeaseLostException e) {
      finished = null;
    }
    List<Lease> claimed;
    try {
      claimed = claim(new ClaimRequest(next.workerId(), next.maxTasks(), next.leaseDuration(), Duration.ZERO,
          next.tenantLimits()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      claimed = List.of();
    } catch (RuntimeException e) {
      claimed = List.of();
    }
    return new Handover(finished, claimed);
  }

  /**
   * Cancels a task: a PENDING one becomes CANCELLED at once and never runs; for a RUNNING one a cancel is
   * requested, which its worker sees on its next {@link #renew} and ends with {@link Outcome.Cancelled};
   * a final one is left as it is.
   *
   * @return the task after the call and whether it changed, or empty when there is no such task
   */
  Optional<CancelResult> cancel(TaskId id);

  /** The latest snapshot of a task, or empty when there is none (never was, or pruned). */
  Optional<Task> find(TaskId id);

  /** A page of tasks, see {@link TaskQuery}. */
  List<Task> list(TaskQuery query);

  /** How many tasks there are of each status (every status is a key). */
  Map<TaskStatus, Long> counts();

  /**
   * How many tasks are PENDING and not waiting for other tasks (the HTTP API's {@code queue_size}). The default
   * counts every PENDING task, which is right for a backend without {@link TaskGraphs}.
   */
  default long pendingCount() {
    return counts().getOrDefault(TaskStatus.PENDING, 0L);
  }

  /**
   * Returns tasks whose lease expired (their worker stalled or died) to PENDING with the attempt spent,
   * or fails them with {@link io.ffmpegqueue.ErrorKind#LEASE_EXPIRED} when the task has no attempts left.
   * Expiry is judged on the backend's clock. Called periodically by every worker process. A backend may end
   * a task whose cancel was requested as CANCELLED instead, since its worker can no longer act on it.
   *
   * @return the tasks that changed
   */
  List<Task> reapExpiredLeases();

  /**
   * Removes final tasks past the retention limits (age and count).
   *
   * @return how many were removed
   */
  int prune();

  /**
   * Registers a listener for changes that other processes make through a shared backend (a cancel to act
   * on, tasks started or finished elsewhere). The default, for backends that live in one JVM, hears nothing.
   *
   * @return the subscription; closing it stops the calls
   */
  default Subscription addListener(BackendListener listener) {
    return () -> { };
  }

  /** Retry, delete, search and statistics of the tasks, when the backend offers them; empty by default. */
  default Optional<TaskAdmin> admin() {
    return Optional.empty();
  }

  /** The registry of worker processes and their heartbeats, when the backend keeps one; empty by default. */
  default Optional<WorkerRegistry> workerRegistry() {
    return Optional.empty();
  }

  /** Releases the backend's own resources; the host's resources (a DataSource) stay open. */
  @Override
  default void close() {}
}
