package io.ffmpegqueue.bench.admin;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskPage;
import io.ffmpegqueue.TaskSearch;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spi.TaskAdmin;
import io.ffmpegqueue.spi.WorkerRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The backend calls the dashboard's pages make (see docs/dashboard.md), each timed {@code rounds} times after one
 * untimed call: the task list's first page, the next page by its cursor, each filter of the list, the overview's
 * statistics and counts, a task's page (the task and its attempt series) and the workers page.
 */
final class PageCalls {
  private static final int PAGE = 50; // the dashboard's page size

  /** One call's timings. */
  record Timing(String call, int rows, double medianMillis, double maxMillis) {}

  private final QueueBackend backend;
  private final TaskAdmin admin;
  private final WorkerRegistry workers;
  private final Mix mix;

  private final Runnable heartbeats;

  PageCalls(QueueBackend backend, Mix mix, Runnable heartbeats) {
    this.heartbeats = heartbeats;
    this.backend = backend;
    this.admin = backend.admin().orElseThrow();
    this.workers = backend.workerRegistry().orElseThrow();
    this.mix = mix;
  }

  private static TaskSearch.Builder page() {
    return TaskSearch.builder().limit(PAGE);
  }

  List<Timing> run(int rounds) {
    Map<String, Supplier<Integer>> calls = new LinkedHashMap<>();
    TaskPage first = admin.search(page().build());
    calls.put("list: first page", () -> admin.search(page().build()).tasks().size());
    calls.put("list: next page (cursor)", () -> admin.search(page().after(first.next()).build()).tasks().size());
    TaskPage deep = first;
    for (int i = 0; i < 20; i++) {
      deep = admin.search(page().after(deep.next()).build());
    }
    TaskPage page21 = deep;
    calls.put("list: page 22 (cursor)", () -> admin.search(page().after(page21.next()).build()).tasks().size());
    calls.put("status=failed (10 %)", () -> admin.search(page().status(TaskStatus.FAILED).build()).tasks().size());
    calls.put("status=running (0.1 %)", () -> admin.search(page().status(TaskStatus.RUNNING).build()).tasks().size());
    calls.put("status=pending (5 %)", () -> admin.search(page().status(TaskStatus.PENDING).build()).tasks().size());
    calls.put("scheduled (1 %)", () -> admin.search(page().scheduled(true).build()).tasks().size());
    calls.put("tenant=tenant-7 (5 %)", () -> admin.search(page().tenant("tenant-7").build()).tasks().size());
    calls.put("tenant + status=failed", () -> admin.search(page().tenant("tenant-7").status(TaskStatus.FAILED)
        .build()).tasks().size());
    calls.put("metadata customer=c42 (0.1 %)", () -> admin.search(page().metadata("customer", "c42").build())
        .tasks().size());
    calls.put("metadata flag=vip (rare: 5)", () -> admin.search(page().metadata("flag", "vip").build())
        .tasks().size());
    calls.put("created: 1 h, 3 days ago", () -> admin.search(page().created(mix.start.minus(Duration.ofHours(73)),
        mix.start.minus(Duration.ofHours(72))).build()).tasks().size());
    calls.put("text 'scale=1920' (25 %)", () -> admin.search(page().text("scale=1920").build()).tasks().size());
    String rare = "title=job" + (mix.n / 2 + 1) + ";";
    calls.put("text '" + rare + "' (rare: 1)", () -> admin.search(page().text(rare).build()).tasks().size());
    calls.put("counts", () -> backend.counts().size());
    calls.put("/ffmpeg/stats", () -> admin.stats().counts().size());
    Task sample = admin.search(page().status(TaskStatus.FAILED).build()).tasks().get(0);
    TaskId id = sample.id();
    calls.put("task page: find + attempts", () -> backend.find(id).map(t -> 1).orElse(0) + admin.history(id).size());
    calls.put("workers", () -> workers.live(Duration.ofSeconds(30)).size());

    List<Timing> out = new ArrayList<>();
    for (var c : calls.entrySet()) {
      if (c.getKey().equals("workers")) {
        heartbeats.run(); // as live workers send them every 10 s
      }
      int rows = c.getValue().get(); // untimed: a first call may plan or load
      double[] ms = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        rows = c.getValue().get();
        ms[r] = (System.nanoTime() - t0) / 1e6;
      }
      java.util.Arrays.sort(ms);
      Timing t = new Timing(c.getKey(), rows, ms[rounds / 2], ms[rounds - 1]);
      System.out.printf("  %-34s %5d rows  median %9.2f ms  max %9.2f ms%n", t.call(), t.rows(), t.medianMillis(),
          t.maxMillis());
      out.add(t);
    }
    return out;
  }
}
