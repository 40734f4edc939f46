package io.ffmpegqueue.bench.admin;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills the in-memory backend through its public API: the tasks that end or run are enqueued and claimed one by
 * one on a clock set to each task's start, and ended on a clock set to its end (so the last hour holds what it
 * would), then the PENDING ones are enqueued.
 */
final class MemoryFill {
  /** A clock the fill moves. */
  private static final class SetClock implements InstantSource {
    private volatile Instant now;

    SetClock(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private MemoryFill() {}

  static InMemoryQueueBackend fill(Mix mix) throws InterruptedException {
    SetClock clock = new SetClock(mix.start);
    InMemoryQueueBackend b = InMemoryQueueBackend.builder().capacity(mix.n + 10).retentionCount(mix.n + 10)
        .retentionAge(Duration.ofDays(30)).clock(clock).build();
    Map<TaskId, Integer> number = new HashMap<>();
    int[] order = new int[mix.n];
    int running = 0;
    for (int i = 0; i < mix.n; i++) {
      if (Mix.status(i) != TaskStatus.PENDING) {
        Task t = Task.pending(TaskId.random(), Mix.request(i), mix.createdAt(i));
        b.enqueue(t);
        number.put(t.id(), i);
        order[running++] = i;
      }
    }
    ClaimRequest one = new ClaimRequest("bench-worker", 1, Duration.ofDays(30), Duration.ZERO);
    for (int k = 0; k < running; k++) {
      // Claimed in about the order enqueued (tenants take turns, as they were enqueued)
      int next = order[k];
      clock.now = mix.createdAt(next).plusSeconds(Mix.waitSeconds(next));
      Lease l = b.claim(one).get(0);
      int i = number.get(l.taskId());
      clock.now = mix.createdAt(i).plusSeconds(Mix.waitSeconds(i) + Mix.runSeconds(i));
      switch (Mix.status(i)) {
        case COMPLETED -> b.finish(l, new Outcome.Completed(List.of(Templates.output(l.taskId()))));
        case FAILED -> b.finish(l, new Outcome.Failed(Templates.ERROR, null));
        case CANCELLED -> b.finish(l, new Outcome.Cancelled("cancelled by an operator"));
        default -> { } // RUNNING: its lease lasts 30 days
      }
    }
    clock.now = mix.start;
    for (int i = 0; i < mix.n; i++) {
      if (Mix.status(i) == TaskStatus.PENDING) {
        var r = Mix.request(i);
        if (Mix.scheduled(i)) {
          r = r.toBuilder().runAt(mix.start.plus(Duration.ofDays(1))).build();
        }
        b.enqueue(Task.pending(TaskId.random(), r, mix.createdAt(i)));
      }
    }
    return b;
  }
}
