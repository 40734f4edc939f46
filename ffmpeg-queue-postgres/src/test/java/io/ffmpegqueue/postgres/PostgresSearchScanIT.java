package io.ffmpegqueue.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskPage;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskSearch;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A search by metadata is a bounded scan ({@link TaskSearch#SCAN_LIMIT}): with more newer tasks than the limit
 * above the one match, the first page comes back empty with a cursor, and following the cursors reaches the match.
 */
class PostgresSearchScanIT {
  @RegisterExtension
  static final TestDatabase.PerClass DB = new TestDatabase.PerClass(2);

  private static Task task(String flag, Instant createdAt) {
    TaskRequest r = TaskRequest.builder().command("-i input.mp4 output.mp4")
        .input("input.mp4", URI.create("https://example.com/in.mp4")).output("output.mp4").metadata("flag", flag)
        .build();
    return Task.pending(TaskId.random(), r, createdAt);
  }

  @Test
  void a_rare_metadata_match_below_more_than_the_scan_limit_is_reached_by_following_the_cursors() {
    String schema = TestDatabase.newSchema();
    PostgresQueueBackend b = PostgresQueueBackend.builder(DB.pool()).schema(schema).build();
    try {
      Task needle = task("vip", Instant.now().minus(Duration.ofDays(1)));
      b.enqueue(needle);
      Task template = task("none", Instant.now().minus(Duration.ofHours(2)));
      b.enqueue(template);
      int newer = TaskSearch.SCAN_LIMIT + 50;
      DB.db().execute("INSERT INTO " + schema + ".ffq_tasks (id, status, priority, run_at, created_at, max_attempts,"
          + " request, finished_at) SELECT 'scan-' || g, 'COMPLETED', 0, now(), now() - interval '1 hour'"
          + " + g * interval '1 millisecond', 1, replace(t.request::text, t.id, 'scan-' || g)::json, now()"
          + " FROM generate_series(1, " + newer + ") g, " + schema + ".ffq_tasks t WHERE t.id = '"
          + template.id().value() + "'");

      TaskSearch search = TaskSearch.builder().metadata("flag", "vip").limit(10).build();
      TaskPage first = b.admin().orElseThrow().search(search);
      assertThat(first.tasks()).as("the scan ran out before the match").isEmpty();
      assertThat(first.next()).as("and says where to go on").isNotNull();
      List<TaskId> found = new ArrayList<>();
      TaskPage page = first;
      int pages = 1;
      while (page.next() != null && pages < 10) {
        page = b.admin().orElseThrow().search(search.toBuilder().after(page.next()).build());
        page.tasks().forEach(t -> found.add(t.id()));
        pages++;
      }
      assertThat(found).containsExactly(needle.id());
      assertThat(pages).isEqualTo(2);
    } finally {
      b.close();
    }
  }
}
