package io.ffmpegqueue.examples.service;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spi.BackendListener;
import io.ffmpegqueue.spi.CancelResult;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Enqueued;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.LeaseState;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.Renewal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A backend that also closes what the service made for it (the connection pool), after the backend:
 * a library backend never closes the host's DataSource, but here the service is the host.
 */
final class ClosingBackend implements QueueBackend {
  private final QueueBackend delegate;
  private final AutoCloseable resource;

  ClosingBackend(QueueBackend delegate, AutoCloseable resource) {
    this.delegate = delegate;
    this.resource = resource;
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
  public Optional<CancelResult> cancel(TaskId id) {
    return delegate.cancel(id);
  }

  @Override
  public boolean addWebhook(TaskId id, io.ffmpegqueue.WebhookDelivery delivery) {
    return delegate.addWebhook(id, delivery);
  }

  @Override
  public void updateWebhook(TaskId id, io.ffmpegqueue.WebhookDelivery delivery) {
    delegate.updateWebhook(id, delivery);
  }

  @Override
  public Optional<io.ffmpegqueue.WebhookDelivery> findWebhook(TaskId id) {
    return delegate.findWebhook(id);
  }

  @Override
  public List<io.ffmpegqueue.spi.DueWebhook> claimDueWebhooks(java.time.Instant now, java.time.Duration holdFor,
      int limit) {
    return delegate.claimDueWebhooks(now, holdFor, limit);
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
  public io.ffmpegqueue.Subscription addListener(BackendListener listener) {
    return delegate.addListener(listener);
  }

  @Override
  public void close() {
    try {
      delegate.close();
    } finally {
      try {
        resource.close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(ClosingBackend.class).warn("closing {} failed: {}", resource, e.toString());
      }
    }
  }
}
