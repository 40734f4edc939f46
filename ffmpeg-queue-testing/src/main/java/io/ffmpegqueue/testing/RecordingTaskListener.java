package io.ffmpegqueue.testing;

import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Records every event it receives, for assertions. Events arrive on the queue's event threads; the
 * {@code await} methods wait for them without sleeping a fixed time. Thread-safe.
 *
 * <pre>{@code
 * RecordingTaskListener events = new RecordingTaskListener();
 * queue.subscribe(events);
 * TaskEvent done = events.await(submission.id(), TaskEvent.Type.COMPLETED, Duration.ofSeconds(5));
 * }</pre>
 */
public final class RecordingTaskListener implements TaskListener {
  /** How long the {@code await} methods without a timeout wait. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final List<TaskEvent> events = new ArrayList<>(); // guarded by this

  /** A listener that has seen nothing yet. */
  public RecordingTaskListener() {}

  @Override
  public synchronized void onEvent(TaskEvent event) {
    events.add(event);
    notifyAll();
  }

  /** Every event seen so far, in arrival order. */
  public synchronized List<TaskEvent> events() {
    return List.copyOf(events);
  }

  /** The events of one task seen so far, in order. */
  public List<TaskEvent> eventsOf(TaskId id) {
    Objects.requireNonNull(id, "id");
    return matching(e -> e.taskId().equals(id));
  }

  /** The types of every event seen so far, in arrival order. */
  public List<TaskEvent.Type> types() {
    return events().stream().map(TaskEvent::type).toList();
  }

  /** The types of one task's events seen so far, in order: e.g. SUBMITTED, STARTED, COMPLETED. */
  public List<TaskEvent.Type> typesOf(TaskId id) {
    return eventsOf(id).stream().map(TaskEvent::type).toList();
  }

  /** Forgets every event seen so far. */
  public synchronized void clear() {
    events.clear();
  }

  /** {@link #await(TaskEvent.Type, Duration)} with {@link #DEFAULT_TIMEOUT}. */
  public TaskEvent await(TaskEvent.Type type) {
    return await(type, DEFAULT_TIMEOUT);
  }

  /**
   * The first event of {@code type} seen, waiting for one to arrive if none has yet.
   *
   * @throws AssertionError when none arrives within {@code timeout}
   */
  public TaskEvent await(TaskEvent.Type type, Duration timeout) {
    Objects.requireNonNull(type, "type");
    return awaitCount(e -> e.type() == type, "an event " + type, 1, timeout).get(0);
  }

  /**
   * The first event of {@code type} for task {@code id}, waiting for one to arrive if none has yet.
   *
   * @throws AssertionError when none arrives within {@code timeout}
   */
  public TaskEvent await(TaskId id, TaskEvent.Type type, Duration timeout) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    return awaitCount(e -> e.type() == type && e.taskId().equals(id), "an event " + type + " of task " + id, 1,
        timeout).get(0);
  }

  /** {@link #await(TaskId, TaskEvent.Type, Duration)} with {@link #DEFAULT_TIMEOUT}. */
  public TaskEvent await(TaskId id, TaskEvent.Type type) {
    return await(id, type, DEFAULT_TIMEOUT);
  }

  /**
   * The first {@code count} events of {@code type}, waiting until that many have arrived.
   *
   * @throws AssertionError when fewer arrive within {@code timeout}
   */
  public List<TaskEvent> awaitCount(TaskEvent.Type type, int count, Duration timeout) {
    Objects.requireNonNull(type, "type");
    return awaitCount(e -> e.type() == type, count + " events " + type, count, timeout);
  }

  private synchronized List<TaskEvent> awaitCount(Predicate<TaskEvent> p, String what, int count, Duration timeout) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    List<TaskEvent> found = firstMatching(p, count);
    while (found.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
            + "; seen: " + describe());
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
      found = firstMatching(p, count);
    }
    return found;
  }

  private List<TaskEvent> firstMatching(Predicate<TaskEvent> p, int count) {
    List<TaskEvent> out = new ArrayList<>(count);
    for (TaskEvent e : events) {
      if (p.test(e)) {
        out.add(e);
        if (out.size() == count) {
          break;
        }
      }
    }
    return out;
  }

  private synchronized List<TaskEvent> matching(Predicate<TaskEvent> p) {
    return events.stream().filter(p).toList();
  }

  private String describe() {
    if (events.isEmpty()) {
      return "nothing";
    }
    StringBuilder sb = new StringBuilder();
    for (TaskEvent e : events) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(e.type()).append(" of ").append(e.taskId());
      if (sb.length() > 2000) {
        sb.append(", ...");
        break;
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "RecordingTaskListener[" + types() + "]";
  }
}
