package io.ffmpegqueue;

/**
 * Receives task events. Called on an event thread of the queue, never on a worker thread, one event at a
 * time per subscription and in order per task. A listener that throws is logged and keeps its
 * subscription; a slow one delays only its own events.
 *
 * <pre>{@code
 * queue.subscribe(TaskEvent.Type.COMPLETED, e -> log.info("{} -> {}", e.taskId(), e.task().outputUrl()));
 * }</pre>
 */
@FunctionalInterface
public interface TaskListener {
  /** Called for each event the subscription covers. */
  void onEvent(TaskEvent event);
}
