package io.ffmpegqueue.redis;

import io.ffmpegqueue.FfmpegQueueException;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskCursor;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskPage;
import io.ffmpegqueue.TaskSearch;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.redis.Scripts.Script;
import io.lettuce.core.RedisException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Redis backend's task search ({@code admin-search.lua}). It walks the {@code created} index (a sorted set of
 * {@code <16 hex digits of the creation time in microseconds><id>}, all scores 0, so its byte order is
 * {@link TaskCursor}'s) newest first from the cursor, {@value #SEARCH_BUDGET} members per script; a status with
 * no more tasks than that is read from its own set instead (a thousand RUNNING tasks among a million cost one
 * script). The script filters by status and tenant, and lets through only the tasks whose request holds the
 * metadata pair and (lowercased) the command text as plain text, so the tasks that cannot match never leave the
 * server; this class applies the exact filters. A search that {@link TaskSearch#scans() scans} stops after
 * {@link TaskSearch#SCAN_LIMIT} members and answers the matches so far with a cursor below the last member
 * looked at. Tasks added while paging are newer than every cursor, so no page skips or repeats one.
 */
final class RedisTaskSearch {
  /** Index members one search script looks at. */
  static final int SEARCH_BUDGET = 1000;

  private final Scripts scripts;
  private final InstantSource clock;

  RedisTaskSearch(Scripts scripts, InstantSource clock) {
    this.scripts = scripts;
    this.clock = clock;
  }

  TaskPage search(TaskSearch s) {
    String upper = "+";
    if (s.after() != null) {
      upper = "(" + TaskHashes.createdKey(s.after().createdAt()) + s.after().id().value();
    }
    if (s.createdBefore() != null) {
      // Rounded up to the microsecond: the exact bound is the filter's (TaskSearch.matches).
      String before = "(" + TaskHashes.createdKey(s.createdBefore().plusNanos(999));
      if (upper.equals("+") || before.compareTo(upper) < 0) {
        upper = before;
      }
    }
    String lower = s.createdFrom() == null ? "-" : "[" + TaskHashes.createdKey(s.createdFrom());
    String status = s.scheduled() ? TaskStatus.PENDING.name() : s.status() == null ? "" : s.status().name();
    String tenant = s.tenant() == null ? "" : s.tenant();
    String has = s.metadataKey() == null ? "" : metadataText(s.metadataKey(), s.metadataValue());
    String lowerHas = s.text() == null || !plain(s.text()) ? "" : s.text().toLowerCase(Locale.ROOT);
    Instant now = clock.instant();
    List<Task> found = new ArrayList<>();
    for (int looked = 0; ; looked += SEARCH_BUDGET) {
      String from = upper;
      int want = s.limit() + 1 - found.size();
      List<?> r = call(() -> scripts.list(Script.ADMIN_SEARCH, from, lower, status, tenant, SEARCH_BUDGET, want, has,
          lowerHas));
      for (Task t : TaskHashes.tasks(r, 1)) {
        if (s.matches(t, now)) {
          found.add(t);
        }
      }
      String last = (String) r.get(0);
      if (found.size() > s.limit() || last.isEmpty()) {
        return TaskPage.of(found, s.limit());
      }
      if (s.scans() && looked + SEARCH_BUDGET >= TaskSearch.SCAN_LIMIT) {
        return new TaskPage(found, cursor(last)); // the scan's budget ran out: the next page goes on below it
      }
      upper = "(" + last;
    }
  }

  /** The cursor of a {@code created} member. */
  private static TaskCursor cursor(String member) {
    long micros = Long.parseLong(member.substring(0, 16), 16);
    return new TaskCursor(Instant.EPOCH.plus(micros, java.time.temporal.ChronoUnit.MICROS),
        TaskId.of(member.substring(16)));
  }

  /** The metadata pair as the request JSON holds it, or '' (no pre-filter) when JSON would escape a character. */
  private static String metadataText(String key, String value) {
    if (!plain(key) || (value != null && !plain(value))) {
      return "";
    }
    return "\"" + key + "\":" + (value == null ? "" : "\"" + value + "\"");
  }

  /** Whether JSON holds {@code s} as it is, and Lua's ASCII lowercasing equals Java's on it. */
  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  private static <T> T call(java.util.function.Supplier<T> step) {
    try {
      return step.get();
    } catch (RedisException e) {
      throw new FfmpegQueueException("Redis: search tasks failed: " + e.getMessage(), e);
    }
  }
}
