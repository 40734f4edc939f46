package io.ffmpegqueue.bench.core;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.spi.TaskHandler;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * ffmpeg-queue with the in-memory backend and a no-op handler: the worker machinery alone (claim, lease,
 * complete, events), no workspace, no files.
 */
final class QueueSystem implements NoOpSystem {
  private final FfmpegQueue queue;
  private final TaskRequest[] requests;
  private final LongAdder completedEvents;
  private final LongAdder ran = new LongAdder();
  private final String name;

  /**
   * @param workers the queue's worker count
   * @param tasks how many tasks will be submitted (the backend's capacity)
   * @param starts where handlers record their start, or {@link StartTimes#NONE} for the plain
   *     {@code ctx -> List.of()} handler
   * @param completedListener whether to count completions with a COMPLETED listener (the event path) rather
   *     than by asking the backend
   * @param retention how many final tasks the backend keeps, or 0 for its default (100,000)
   * @param distinctCommands whether each of the reused requests has a command text of its own (see
   *     {@link Requests#distinct(int, boolean)}) rather than all sharing one
   */
  QueueSystem(int workers, int tasks, StartTimes starts, boolean completedListener, int retention,
      boolean distinctCommands) {
    boolean timed = starts != StartTimes.NONE;
    // The no-op handler, counting what ran so the submitter can bound the tasks in flight.
    TaskHandler handler = timed
        ? ctx -> {
            starts.started(Integer.parseInt(ctx.task().request().metadata().get(Requests.SEQ)));
            ran.increment();
            return List.of();
          }
        : ctx -> {
            ran.increment();
            return List.of();
          };
    FfmpegQueue.Builder b = FfmpegQueue.builder()
        .backend(retention > 0
            ? InMemoryQueueBackend.builder().capacity(Math.max(1, tasks)).retentionCount(retention).build()
            : InMemoryQueueBackend.builder().capacity(Math.max(1, tasks)).build())
        .fetcher(new Requests.HttpsFetcher())
        .handler(handler)
        .workers(workers);
    if (completedListener) {
      completedEvents = new LongAdder();
      b.listener(TaskEvent.Type.COMPLETED, e -> completedEvents.increment());
    } else {
      completedEvents = null;
    }
    queue = b.build();
    // Built before the clock starts: a client's work, not the queue's. Numbered requests for latency runs;
    // otherwise a small pool, reused (the queue copies nothing from a request).
    requests = new TaskRequest[timed ? tasks : 1024];
    for (int i = 0; i < requests.length; i++) {
      URI input = URI.create("https://media.example.com/uploads/" + (i % 1024) + "/source-video.mp4");
      requests[i] = timed ? Requests.numbered(i, input, distinctCommands) : Requests.distinct(i, distinctCommands);
    }
    name = "ffmpeg-queue (" + workers + " workers" + (completedListener ? ", COMPLETED listener" : "")
        + (retention > 0 ? ", keeps " + retention + " final" : "")
        + (distinctCommands ? ", 1,024 distinct commands" : "") + ")";
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void submit(int seq) {
    queue.submit(requests[seq < requests.length ? seq : seq & (requests.length - 1)]);
  }

  @Override
  public long ran() {
    return ran.sum();
  }

  @Override
  public boolean finished(int submitted) {
    if (completedEvents != null) {
      return completedEvents.sum() >= submitted;
    }
    // Final tasks are pruned past the retention count, so count what is left to do instead.
    Map<TaskStatus, Long> c = queue.counts();
    return c.get(TaskStatus.PENDING) == 0 && c.get(TaskStatus.RUNNING) == 0;
  }

  @Override
  public void close() {
    queue.close();
  }
}
