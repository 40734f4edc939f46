package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Handover;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import io.ffmpegqueue.spi.QueueBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link QueueBackend#finishAndClaim} as its default does it (ends, then claims without waiting). */
class FinishAndClaimTest {
  private static final Duration LEASE = Duration.ofMinutes(1);
  // Asks to wait a minute: finishAndClaim must not.
  private static final ClaimRequest NEXT = new ClaimRequest("w", 1, LEASE, Duration.ofMinutes(1));

  private final InMemoryQueueBackend backend = InMemoryQueueBackend.create();

  private TaskId enqueue() {
    return backend.enqueue(Task.pending(TaskId.random(), Fixtures.request(), Instant.now())).task().id();
  }

  private Lease claim() throws InterruptedException {
    return backend.claim(new ClaimRequest("w", 1, LEASE, Duration.ZERO)).get(0);
  }

  @Test
  void it_ends_the_attempt_and_hands_over_the_next_ready_task() throws Exception {
    enqueue();
    Lease first = claim();
    TaskId next = enqueue();

    Handover h = backend.finishAndClaim(first, new Outcome.Completed(List.of()), NEXT);

    assertThat(h.finished().status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(backend.find(first.taskId())).contains(h.finished());
    assertThat(h.claimed()).extracting(Lease::taskId).containsExactly(next);
    assertThat(backend.find(next).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
  }

  @Test
  void a_lost_lease_writes_nothing_for_the_old_attempt_and_still_claims() throws Exception {
    TaskId id = enqueue();
    Lease first = claim();
    // Another attempt took over (a retry, here; a release would give the number back, and its worker never
    // writes again: see Outcome.Released).
    backend.finish(first, new Outcome.Failed(TaskError.of(ErrorKind.INPUT, "HTTP 503"), Instant.now()));
    Lease second = claim();
    assertThat(second.attempt()).isGreaterThan(first.attempt());
    TaskId next = enqueue();

    Handover h = backend.finishAndClaim(first, new Outcome.Completed(List.of()), NEXT);

    assertThat(h.finished()).isNull();
    assertThat(h.claimed()).extracting(Lease::taskId).containsExactly(next);
    assertThat(backend.find(id).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(backend.find(id).orElseThrow().attempt()).isEqualTo(second.attempt());
  }

  @Test
  void with_nothing_ready_it_claims_nothing_and_does_not_wait_for_work() throws Exception {
    enqueue();
    Lease only = claim();

    Handover h = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> backend.finishAndClaim(only, new Outcome.Completed(List.of()), NEXT));

    assertThat(h.finished().status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(h.claimed()).isEmpty();
  }
}
