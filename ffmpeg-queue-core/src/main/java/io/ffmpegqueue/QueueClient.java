package io.ffmpegqueue;

import io.ffmpegqueue.internal.events.TaskEvents;
import io.ffmpegqueue.internal.submit.ClientSettings;
import io.ffmpegqueue.internal.submit.TaskSubmitter;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.WebhookOutbox;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * The submit side of a queue, as a client: the submit path and the events hub over one backend. The
 * submit-only client is this alone; {@link FfmpegQueue} adds workers to one.
 */
final class QueueClient implements FfmpegQueueClient {
  private final ClientSettings settings;
  private final QueueBackend backend;
  private final TaskEvents events;
  private final TaskSubmitter submitter;

  QueueClient(ClientSettings settings, String threadPrefix) {
    this.settings = settings;
    this.backend = settings.backend();
    this.events = new TaskEvents(backend, settings.clock(), threadPrefix);
    for (ClientSettings.Listener l : settings.listeners()) {
      events.subscribe(l.type(), l.listener());
    }
    this.submitter = new TaskSubmitter(settings, events);
  }

  ClientSettings settings() {
    return settings;
  }

  TaskEvents events() {
    return events;
  }

  @Override
  public Submission submit(TaskRequest request) {
    return submitter.submit(request);
  }

  @Override
  public Submission submit(TaskId id, TaskRequest request) {
    return submitter.submit(id, request);
  }

  @Override
  public Optional<Task> find(TaskId id) {
    return backend.find(id);
  }

  @Override
  public Optional<Task> cancel(TaskId id) {
    return submitter.cancel(id);
  }

  @Override
  public List<Task> list(TaskQuery query) {
    return backend.list(query);
  }

  @Override
  public long queueSize() {
    return backend.pendingCount();
  }

  @Override
  public Map<TaskStatus, Long> counts() {
    return backend.counts();
  }

  @Override
  public Optional<WebhookDelivery> webhook(TaskId id) {
    return WebhookOutbox.of(backend).flatMap(o -> o.findWebhook(id));
  }

  @Override
  public Optional<io.ffmpegqueue.spi.MessageOutbox> messageOutbox() {
    return WebhookOutbox.of(backend).flatMap(WebhookOutbox::messageOutbox);
  }

  @Override
  public Subscription subscribe(TaskListener listener) {
    return events.subscribe(null, listener);
  }

  @Override
  public Subscription subscribe(TaskEvent.Type type, TaskListener listener) {
    return events.subscribe(type, listener);
  }

  /** Stops accepting submissions. */
  void stopAccepting() {
    submitter.stopAccepting();
  }

  @Override
  public void close() {
    submitter.stopAccepting();
    events.close();
    for (AutoCloseable c : settings.owned()) {
      try {
        c.close();
      } catch (Exception e) {
        LoggerFactory.getLogger(QueueClient.class).warn("closing {} failed: {}", c, e.toString());
      }
    }
  }
}
