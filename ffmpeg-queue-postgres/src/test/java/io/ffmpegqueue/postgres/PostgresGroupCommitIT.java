package io.ffmpegqueue.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskError;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Handover;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.LeaseLostException;
import io.ffmpegqueue.spi.Outcome;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The workers' group commit on a real server: ends and claims that threads hand in while a round trip is under
 * way share the next one (see docs/postgres.md, "Group commit"), and each still gets its own answer. A test
 * holds one task's row locked so that the round trip that ends it waits on the server, and hands in the rest
 * meanwhile: they are then written together.
 */
class PostgresGroupCommitIT {
  private static final Duration LEASE = Duration.ofSeconds(30);

  @RegisterExtension
  static final TestDatabase.PerClass DB = new TestDatabase.PerClass(20);

  private final List<PostgresQueueBackend> made = new ArrayList<>();
  private final ExecutorService executor = Executors.newCachedThreadPool();

  @AfterEach
  void closeBackends() throws InterruptedException {
    executor.shutdownNow();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    made.forEach(PostgresQueueBackend::close);
  }

  private PostgresQueueBackend backend(String schema) {
    PostgresQueueBackend b = PostgresQueueBackend.builder(DB.pool()).schema(schema).build();
    made.add(b);
    return b;
  }

  private static Task task(URI webhook) {
    TaskRequest r = TaskRequest.builder()
        .command("-i input.mp4 output.mp4")
        .input("input.mp4", URI.create("https://example.com/a.mp4"))
        .output("output.mp4")
        .webhookUrl(webhook)
        .build();
    return Task.pending(TaskId.random(), r, Instant.now());
  }

  private static List<Lease> claim(PostgresQueueBackend b, int n) throws InterruptedException {
    List<Lease> leases = b.claim(new ClaimRequest("w", n, LEASE, Duration.ZERO));
    assertThat(leases).hasSize(n);
    return leases;
  }

  private static List<TaskOutput> outputsOf(Lease l) {
    return List.of(new TaskOutput("output.mp4", URI.create("mem:/" + l.taskId()), 1, null, null, null, null));
  }

  /**
   * Runs {@code first} (whose write waits on the row {@code blocked}, locked here), then, once that write waits
   * on the server, each of {@code rest} on its own thread; releases the row when all of them wait to be
   * written, so that they go in one round trip. Returns their futures, {@code first}'s first.
   */
  private <T> List<Future<T>> together(String schema, TaskId blocked, Callable<T> first, List<Callable<T>> rest)
      throws Exception {
    List<Future<T>> futures = new ArrayList<>();
    try (Connection lock = DB.pool().getConnection()) {
      lock.setAutoCommit(false);
      String lockRow = "SELECT 1 FROM " + schema + ".ffq_tasks WHERE id = ? FOR UPDATE";
      try (PreparedStatement ps = lock.prepareStatement(lockRow)) {
        ps.setString(1, blocked.value());
        ps.executeQuery().close();
      }
      futures.add(executor.submit(first));
      await().atMost(Duration.ofSeconds(10)).until(() -> waitingOnLocks(schema) == 1);
      List<Thread> threads = new ArrayList<>();
      for (Callable<T> c : rest) {
        futures.add(executor.submit(() -> {
          synchronized (threads) {
            threads.add(Thread.currentThread());
          }
          return c.call();
        }));
      }
      // Each waits in the group commit for the round trip under way (a condition wait, so WAITING).
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        synchronized (threads) {
          return threads.size() == rest.size() && threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING);
        }
      });
      lock.rollback();
    }
    return futures;
  }

  private static long waitingOnLocks(String schema) {
    return DB.queryLong("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        + " AND query LIKE '%" + schema + ".ffq_tasks%'");
  }

  @Test
  void ends_written_together_are_fenced_row_by_row_and_each_worker_gets_its_own_answer() throws Exception {
    String schema = TestDatabase.newSchema();
    PostgresQueueBackend b = backend(schema);
    for (int i = 0; i < 9; i++) {
      b.enqueue(task(null));
    }
    List<Lease> leases = claim(b, 9);
    Lease blocked = leases.get(0);
    Lease stale = leases.get(1);
    b.finish(stale, new Outcome.Released()); // its attempt is over: a later end of it must write nothing
    List<Callable<Object>> rest = new ArrayList<>();
    rest.add(() -> b.finish(stale, new Outcome.Completed(outputsOf(stale))));
    for (Lease l : leases.subList(2, 9)) {
      rest.add(() -> b.finish(l, new Outcome.Completed(outputsOf(l))));
    }

    List<Future<Object>> done = together(schema, blocked.taskId(),
        () -> b.finish(blocked, new Outcome.Completed(outputsOf(blocked))), rest);

    assertThat(((Task) done.get(0).get(10, TimeUnit.SECONDS)).status()).isEqualTo(TaskStatus.COMPLETED);
    assertThatThrownBy(() -> done.get(1).get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(LeaseLostException.class);
    for (int i = 2; i < 9; i++) {
      Lease l = leases.get(i);
      Task after = (Task) done.get(i).get(10, TimeUnit.SECONDS);
      assertThat(after.id()).isEqualTo(l.taskId());
      assertThat(after.status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(b.find(l.taskId())).contains(after);
      assertThat(after.outputs().get(0).uri()).isEqualTo(URI.create("mem:/" + l.taskId()));
    }
    Task released = b.find(stale.taskId()).orElseThrow();
    assertThat(released.status()).isEqualTo(TaskStatus.PENDING);
    assertThat(released.outputs()).isEmpty();
  }

  @Test
  void claims_written_together_never_take_more_than_each_asks_for_and_never_the_same_task() throws Exception {
    String schema = TestDatabase.newSchema();
    PostgresQueueBackend b = backend(schema);
    b.enqueue(task(null));
    Lease blocked = claim(b, 1).get(0);
    List<TaskId> ready = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ready.add(b.enqueue(task(null)).task().id());
    }
    List<Callable<Object>> rest = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      rest.add(() -> b.claim(new ClaimRequest("w", 2, LEASE, Duration.ZERO))); // 4 x 2 of the 10 ready
    }

    List<Future<Object>> done = together(schema, blocked.taskId(),
        () -> b.finish(blocked, new Outcome.Completed(List.of())), rest);

    List<TaskId> taken = new ArrayList<>();
    for (Future<Object> f : done.subList(1, 5)) {
      @SuppressWarnings("unchecked") // claim answers leases
      List<Lease> leases = (List<Lease>) f.get(10, TimeUnit.SECONDS);
      assertThat(leases).hasSize(2);
      leases.forEach(l -> taken.add(l.taskId()));
    }
    assertThat(taken).doesNotHaveDuplicates().hasSize(8);
    // Handed out in run order: the eight oldest ready tasks.
    assertThat(taken).containsExactlyInAnyOrderElementsOf(ready.subList(0, 8));
  }

  @Test
  void a_worker_whose_lease_was_lost_still_gets_its_next_task_from_finish_and_claim() throws Exception {
    String schema = TestDatabase.newSchema();
    PostgresQueueBackend b = backend(schema);
    b.enqueue(task(null));
    Lease first = claim(b, 1).get(0);
    // A retry due now (a release would give the number back, and its worker never writes again).
    b.finish(first, new Outcome.Failed(TaskError.of(ErrorKind.INPUT, "HTTP 503"), Instant.now()));
    Lease again = claim(b, 1).get(0); // the same task, attempt 2
    TaskId next = b.enqueue(task(null)).task().id();

    Handover h = b.finishAndClaim(first, new Outcome.Completed(List.of()),
        new ClaimRequest("w", 1, LEASE, Duration.ofSeconds(30)));

    assertThat(h.finished()).isNull(); // attempt 1 is not current: nothing written for it
    assertThat(h.claimed()).extracting(Lease::taskId).containsExactly(next);
    assertThat(b.find(again.taskId()).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
    Handover h2 = b.finishAndClaim(again, new Outcome.Completed(List.of()),
        new ClaimRequest("w", 1, LEASE, Duration.ofSeconds(30)));
    assertThat(h2.finished().status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(h2.claimed()).isEmpty(); // nothing else is ready, and it did not wait
  }

  @Test
  void in_ends_written_together_only_the_tasks_with_a_webhook_url_get_a_delivery() throws Exception {
    String schema = TestDatabase.newSchema();
    PostgresQueueBackend b = backend(schema);
    b.enqueue(task(null));
    b.enqueue(task(URI.create("https://hooks.example.com/done")));
    b.enqueue(task(null));
    List<Lease> leases = claim(b, 3);
    Lease blocked = leases.get(0);
    Lease hooked = leases.get(1);
    Lease plain = leases.get(2);

    List<Future<Object>> done = together(schema, blocked.taskId(),
        () -> b.finish(blocked, new Outcome.Completed(List.of())),
        List.of(() -> b.finish(hooked, new Outcome.Completed(List.of())),
            () -> b.finish(plain, new Outcome.Failed(TaskError.of(ErrorKind.INTERNAL, "no"), null))));
    for (Future<Object> f : done) {
      f.get(10, TimeUnit.SECONDS);
    }

    assertThat(b.findWebhook(hooked.taskId())).hasValueSatisfying(d -> assertThat(d.url())
        .isEqualTo(URI.create("https://hooks.example.com/done")));
    assertThat(b.findWebhook(plain.taskId())).isEmpty();
    assertThat(b.findWebhook(blocked.taskId())).isEmpty();
    assertThat(b.find(plain.taskId()).orElseThrow().status()).isEqualTo(TaskStatus.FAILED);
  }
}
