package io.ffmpegqueue.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.ffmpegqueue.AttemptSeries;
import io.ffmpegqueue.FfmpegQueueException;
import io.ffmpegqueue.QueueStats;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskPage;
import io.ffmpegqueue.TaskSearch;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.redis.Scripts.Script;
import io.ffmpegqueue.spi.CancelResult;
import io.ffmpegqueue.spi.TaskAdmin;
import io.lettuce.core.RedisException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The Redis backend's {@link TaskAdmin}, each call one Lua script on the queue's node.
 *
 * <ul>
 *   <li><b>Retry</b> ({@code admin-retry.lua}) appends the series that ended to the task's history list
 *       ({@code h:<id>}) and puts the task back in its tenant's ready set; <b>delete</b> ({@code admin-delete.lua})
 *       removes a final task as prune does, and refuses one that a child which has not ended still needs.
 *   <li><b>Search</b> walks the {@code created} index newest first from the cursor, or reads a small status's
 *       own set, see {@link RedisTaskSearch}.
 *   <li><b>Stats</b>: the counts are the sizes of the status sets and the throughput per minute is a count by
 *       score of the COMPLETED and FAILED sets (their score is the end time), both exact; the wait and run time
 *       percentiles come from the last {@value #STATS_SAMPLE} tasks that ended in the last hour.
 * </ul>
 */
final class RedisTaskAdmin implements TaskAdmin {
  /** Tasks whose timings make the percentiles, at most. */
  static final int STATS_SAMPLE = 1000;

  private final Scripts scripts;
  private final RedisTaskSearch search;

  RedisTaskAdmin(Scripts scripts, InstantSource clock) {
    this.scripts = scripts;
    this.search = new RedisTaskSearch(scripts, clock);
  }

  private static <T> T call(String what, Supplier<T> step) {
    try {
      return step.get();
    } catch (RedisException e) {
      throw new FfmpegQueueException("Redis: " + what + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<CancelResult> retry(TaskId id) {
    return changed(call("retry task " + id, () -> scripts.list(Script.ADMIN_RETRY, id.value())));
  }

  @Override
  public Optional<CancelResult> delete(TaskId id) {
    return changed(call("delete task " + id, () -> scripts.list(Script.ADMIN_DELETE, id.value())));
  }

  private static Optional<CancelResult> changed(List<?> r) {
    if (r.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CancelResult(TaskHashes.task(r.get(1)), (Long) r.get(0) == 1L));
  }

  @Override
  public List<AttemptSeries> history(TaskId id) {
    List<?> r = call("read the history of task " + id, () -> scripts.list(Script.ADMIN_HISTORY, id.value()));
    List<AttemptSeries> out = new ArrayList<>(Math.max(0, r.size() - 1));
    for (int i = 1; i < r.size(); i++) {
      Map<String, String> h = new HashMap<>();
      h.put("req", (String) r.get(0));
      try {
        JsonNode n = TaskJson.mapper().readTree((String) r.get(i));
        n.properties().forEach(f -> {
          if (!f.getValue().asText().isEmpty()) {
            h.put(f.getKey(), f.getValue().asText());
          }
        });
      } catch (JsonProcessingException e) {
        throw new FfmpegQueueException("Redis: an attempt series of task " + id + " is not JSON (" + e + ")", e);
      }
      h.put("run", h.get("fa"));
      out.add(AttemptSeries.of(i, TaskHashes.task(h)));
    }
    return out;
  }

  @Override
  public TaskPage search(TaskSearch s) {
    return search.search(s);
  }

  @Override
  public QueueStats stats() {
    List<?> r = call("read the statistics", () -> scripts.list(Script.ADMIN_STATS, STATS_SAMPLE));
    Instant at = TaskHashes.instant(String.valueOf(r.get(0)));
    Map<TaskStatus, Long> counts = TaskHashes.counts(r.subList(1, 6));
    long scheduled = (Long) r.get(6);
    int m = QueueStats.MINUTES;
    List<Long> completed = numbers(r.subList(7, 7 + m));
    List<Long> failed = numbers(r.subList(7 + m, 7 + 2 * m));
    List<Long> waits = new ArrayList<>();
    List<Long> runs = new ArrayList<>();
    for (int i = 7 + 2 * m; i + 2 < r.size(); i += 3) {
      String run = (String) r.get(i);
      String started = (String) r.get(i + 1);
      String finished = (String) r.get(i + 2);
      if (started.isEmpty() || run.isEmpty() || finished.isEmpty()) {
        continue; // cancelled before it started
      }
      long sa = Long.parseLong(started);
      // Run-at may come from a host's clock and the start from the server's: a wait is never negative.
      waits.add(Math.max(0, sa - Long.parseLong(run)) / 1000);
      runs.add(Math.max(0, Long.parseLong(finished) - sa) / 1000);
    }
    long[] w = sorted(waits);
    long[] ru = sorted(runs);
    return new QueueStats(at, counts, scheduled, completed, failed, QueueStats.percentile(w, 50),
        QueueStats.percentile(w, 95), QueueStats.percentile(ru, 50), QueueStats.percentile(ru, 95));
  }

  private static List<Long> numbers(List<?> values) {
    return values.stream().map(v -> (Long) v).toList();
  }

  private static long[] sorted(List<Long> values) {
    long[] a = values.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    return a;
  }
}
