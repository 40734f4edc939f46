package io.ffmpegqueue.spi;

import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;

/**
 * A backend that passes every call, default methods included, to another: extend it and override what
 * you change (a wrapper that closes a pool with the backend, a test that cuts the network). Forwarding
 * the default methods too matters: a wrapper that inherited them would silently drop what the wrapped
 * backend does there. A wrapped backend's {@link WebhookOutbox} and {@link TaskGraphs} stay reachable through
 * {@link WebhookOutbox#of} and {@link TaskGraphs#of}.
 */
public abstract class ForwardingQueueBackend implements QueueBackend {
  private final QueueBackend delegate;

  /** Forwards to {@code delegate}. */
  protected ForwardingQueueBackend(QueueBackend delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The backend calls are passed to. */
  protected QueueBackend delegate() {
    return delegate;
  }

  @Override
  public Enqueued enqueue(Task task) {
    return delegate.enqueue(task);
  }

  @Override
  public List<Lease> claim(ClaimRequest request) throws InterruptedException {
    return delegate.claim(request);
  }

  @Override
  public LeaseState renew(Renewal renewal) {
    return delegate.renew(renewal);
  }

  @Override
  public Task finish(Lease lease, Outcome outcome) {
    return delegate.finish(lease, outcome);
  }

  @Override
  public Handover finishAndClaim(Lease lease, Outcome outcome, ClaimRequest next) {
    return delegate.finishAndClaim(lease, outcome, next);
  }

  @Override
  public Optional<CancelResult> cancel(TaskId id) {
    return delegate.cancel(id);
  }

  @Override
  public Optional<Task> find(TaskId id) {
    return delegate.find(id);
  }

  @Override
  public List<Task> list(TaskQuery query) {
    return delegate.list(query);
  }

  @Override
  public Map<TaskStatus, Long> counts() {
    return delegate.counts();
  }

  @Override
  public long pendingCount() {
    return delegate.pendingCount();
  }

  @Override
  public List<Task> reapExpiredLeases() {
    return delegate.reapExpiredLeases();
  }

  @Override
  public int prune() {
    return delegate.prune();
  }

  @Override
  public Subscription addListener(BackendListener listener) {
    return delegate.addListener(listener);
  }

  @Override
  public Optional<TaskAdmin> admin() {
    return delegate.admin();
  }

  @Override
  public Optional<WorkerRegistry> workerRegistry() {
    return delegate.workerRegistry();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
