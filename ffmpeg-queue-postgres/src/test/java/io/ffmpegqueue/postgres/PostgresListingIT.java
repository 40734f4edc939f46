package io.ffmpegqueue.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskQuery;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Listing on PostgreSQL, where each status group is read from its own index: pages of every size and offset,
 * including pages that straddle the groups' boundaries, are the listing's order sliced. The tasks are made so
 * that no group's order is its submission order: 3 RUNNING (started in reverse), 5 PENDING of three tenants
 * (mixed priorities, one delayed), 7 final ones of each final status (finished in a shuffled order, one
 * cancelled while PENDING).
 */
class PostgresListingIT {
  @RegisterExtension
  static final TestDatabase.PerClass DB = new TestDatabase.PerClass(4);

  private static final Duration LEASE = Duration.ofMinutes(5);

  private static PostgresQueueBackend backend;
  // Each task by its name in the scenario.
  private static final Map<String, TaskId> ids = new HashMap<>();
  private static final List<String> expected = new ArrayList<>();
  private static final Map<TaskStatus, List<String>> expectedByStatus = new EnumMap<>(TaskStatus.class);

  /** A task named {@code name} of {@code tenant} (null: none). */
  private static Task task(String name, String tenant, int priority, Duration delay) {
    TaskRequest r = TaskRequest.builder().command("-i input.mp4 output.mp4")
        .input("input.mp4", URI.create("https://example.com/" + name + ".mp4")).output("output.mp4")
        .priority(priority).maxAttempts(1).timeout(Duration.ofMinutes(5)).tenant(tenant).build();
    Instant now = Instant.now();
    Task t = Task.pending(TaskId.random(), r, now).toBuilder().runAt(now.plus(delay)).build();
    ids.put(name, t.id());
    return t;
  }

  private static void enqueue(String name, String tenant, int priority, Duration delay) {
    assertThat(backend.enqueue(task(name, tenant, priority, delay)).created()).isTrue();
  }

  private static void enqueue(String name, String tenant, int priority) {
    enqueue(name, tenant, priority, Duration.ZERO);
  }

  private static Lease claimOne() throws InterruptedException {
    List<Lease> got = backend.claim(new ClaimRequest("worker-a", 1, LEASE, Duration.ZERO));
    assertThat(got).hasSize(1);
    return got.get(0);
  }

  @BeforeAll
  static void makeTasksOfEveryStatus() throws InterruptedException {
    backend = PostgresQueueBackend.builder(DB.pool()).schema(TestDatabase.newSchema()).build();

    // Final: f1..f6 run, f7 stays PENDING; they end in the order f3 f1 f6 f7 f2 f5 f4.
    for (int i = 1; i <= 6; i++) {
      enqueue("f" + i, null, 0);
    }
    Map<String, Lease> leases = new HashMap<>();
    for (int i = 1; i <= 6; i++) {
      Lease l = claimOne();
      leases.put(ids.entrySet().stream().filter(e -> e.getValue().equals(l.taskId())).findFirst()
          .orElseThrow().getKey(), l);
    }
    enqueue("f7", null, 0);
    TaskError failure = TaskError.of(ErrorKind.FFMPEG, "exit 1");
    backend.finish(leases.get("f3"), new Outcome.Completed(List.of()));
    backend.finish(leases.get("f1"), new Outcome.Failed(failure, null));
    backend.finish(leases.get("f6"), new Outcome.Completed(List.of()));
    assertThat(backend.cancel(ids.get("f7")).orElseThrow().task().status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(backend.cancel(ids.get("f2")).orElseThrow().changed()).isTrue();
    backend.finish(leases.get("f2"), new Outcome.Cancelled("cancelled while running"));
    backend.finish(leases.get("f5"), new Outcome.Completed(List.of()));
    backend.finish(leases.get("f4"), new Outcome.Failed(failure, null));

    // Running: claimed by priority, so started in the reverse of their submission.
    enqueue("r1", null, 2);
    enqueue("r2", "b", 1);
    enqueue("r3", "a", 0);
    for (int i = 0; i < 3; i++) {
      claimOne();
    }

    // Pending, of three tenants: run order is priority, then run_at (p2 is delayed), then submission.
    enqueue("p1", "a", 1);
    enqueue("p2", "b", 0, Duration.ofHours(1));
    enqueue("p3", null, 1);
    enqueue("p4", "a", 0);
    enqueue("p5", "b", 2);

    expectedByStatus.put(TaskStatus.RUNNING, List.of("r3", "r2", "r1"));
    expectedByStatus.put(TaskStatus.PENDING, List.of("p4", "p2", "p1", "p3", "p5"));
    expectedByStatus.put(TaskStatus.COMPLETED, List.of("f5", "f6", "f3"));
    expectedByStatus.put(TaskStatus.FAILED, List.of("f4", "f1"));
    expectedByStatus.put(TaskStatus.CANCELLED, List.of("f2", "f7"));
    expected.addAll(expectedByStatus.get(TaskStatus.RUNNING));
    expected.addAll(expectedByStatus.get(TaskStatus.PENDING));
    expected.addAll(List.of("f4", "f5", "f2", "f7", "f6", "f1", "f3"));
  }

  @AfterAll
  static void closeBackend() {
    if (backend != null) {
      backend.close();
    }
  }

  /** The snapshots of the named tasks, as {@code find} reads them one by one. */
  private static List<Task> snapshots(List<String> names) {
    return names.stream().map(n -> backend.find(ids.get(n)).orElseThrow()).toList();
  }

  private static void assertEveryPageIsTheOrderSliced(TaskStatus status, List<String> order) {
    List<Task> all = snapshots(order);
    assertThat(all).allSatisfy(t -> {
      if (status != null) {
        assertThat(t.status()).isEqualTo(status);
      }
    });
    for (int size : new int[] {1, 4, 7, TaskQuery.MAX_LIMIT}) {
      for (int offset = 0; offset <= order.size() + 1; offset++) {
        List<Task> page = backend.list(new TaskQuery(status, size, offset));
        List<Task> slice = all.subList(Math.min(offset, all.size()), Math.min(offset + size, all.size()));
        assertThat(page).as("status %s, limit %d, offset %d", status, size, offset).isEqualTo(slice);
      }
    }
  }

  @Test
  void every_page_of_the_whole_list_is_running_by_start_then_pending_in_run_order_then_final_newest_first() {
    assertThat(expected).hasSize(15);
    assertThat(snapshots(expected).stream().map(Task::status).toList()).containsExactly(
        TaskStatus.RUNNING, TaskStatus.RUNNING, TaskStatus.RUNNING,
        TaskStatus.PENDING, TaskStatus.PENDING, TaskStatus.PENDING, TaskStatus.PENDING, TaskStatus.PENDING,
        TaskStatus.FAILED, TaskStatus.COMPLETED, TaskStatus.CANCELLED, TaskStatus.CANCELLED,
        TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.COMPLETED);
    assertEveryPageIsTheOrderSliced(null, expected);
  }

  @Test
  void every_page_of_one_status_is_that_status_in_the_list_order() {
    for (TaskStatus status : TaskStatus.values()) {
      assertEveryPageIsTheOrderSliced(status, expectedByStatus.get(status));
    }
  }

  @Test
  void a_page_past_the_end_is_empty() {
    assertThat(backend.list(new TaskQuery(null, 10, 15))).isEmpty();
    assertThat(backend.list(new TaskQuery(null, 10, Integer.MAX_VALUE))).isEmpty();
    assertThat(backend.list(new TaskQuery(TaskStatus.PENDING, TaskQuery.MAX_LIMIT, Integer.MAX_VALUE))).isEmpty();
  }
}
