package io.ffmpegqueue.micrometer;

import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.spi.BackendListener;
import io.ffmpegqueue.spi.CancelResult;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Enqueued;
import io.ffmpegqueue.spi.ForwardingQueueBackend;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.QueueBackend;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One in-memory backend shared by several "processes" in a test: each gets its own {@link #view()}, and what
 * one view changes is told to the listeners of the others, as PostgreSQL's notices tell other processes (and
 * never the one that made the change).
 */
final class SharedBackend {
  private final InMemoryQueueBackend store;
  private final List<View> views = new CopyOnWriteArrayList<>();

  SharedBackend(InMemoryQueueBackend store) {
    this.store = store;
  }

  /** A new process's backend. Closing it leaves the shared store open. */
  QueueBackend view() {
    View v = new View();
    views.add(v);
    return v;
  }

  private final class View extends ForwardingQueueBackend {
    private final List<BackendListener> listeners = new CopyOnWriteArrayList<>();

    View() {
      super(store);
    }

    private void tellOthers(TaskEvent.Type type, TaskId id) {
      for (View v : views) {
        if (v != this) {
          v.listeners.forEach(l -> l.onRemoteEvent(type, id));
        }
      }
    }

    @Override
    public Enqueued enqueue(Task task) {
      Enqueued e = super.enqueue(task);
      if (e.created()) {
        tellOthers(TaskEvent.Type.SUBMITTED, task.id());
      }
      return e;
    }

    @Override
    public List<Lease> claim(ClaimRequest request) throws InterruptedException {
      List<Lease> leases = super.claim(request);
      leases.forEach(l -> tellOthers(TaskEvent.Type.STARTED, l.taskId()));
      return leases;
    }

    @Override
    public Task finish(Lease lease, Outcome outcome) {
      Task after = super.finish(lease, outcome);
      TaskEvent.Type type = switch (after.status()) {
        case COMPLETED -> TaskEvent.Type.COMPLETED;
        case FAILED -> TaskEvent.Type.FAILED;
        case CANCELLED -> TaskEvent.Type.CANCELLED;
        default -> outcome instanceof Outcome.Released ? null : TaskEvent.Type.RETRY_SCHEDULED;
      };
      if (type != null) {
        tellOthers(type, after.id());
      }
      return after;
    }

    @Override
    public Optional<CancelResult> cancel(TaskId id) {
      Optional<CancelResult> r = super.cancel(id);
      r.filter(c -> c.changed() && c.task().status().isFinal())
          .ifPresent(c -> tellOthers(TaskEvent.Type.CANCELLED, id));
      return r;
    }

    @Override
    public List<Task> reapExpiredLeases() {
      List<Task> reaped = super.reapExpiredLeases();
      for (Task t : reaped) {
        tellOthers(switch (t.status()) {
          case FAILED -> TaskEvent.Type.FAILED;
          case CANCELLED -> TaskEvent.Type.CANCELLED;
          default -> TaskEvent.Type.RETRY_SCHEDULED;
        }, t.id());
      }
      return reaped;
    }

    @Override
    public Subscription addListener(BackendListener listener) {
      listeners.add(listener);
      return () -> listeners.remove(listener);
    }

    @Override
    public void close() {
      views.remove(this);
    }
  }
}
