package io.ffmpegqueue.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReadyNoticesTest {

  @Test
  void the_first_enqueue_notifies_itself_and_a_burst_after_it_gets_one_trailing_notice() {
    AtomicInteger trailing = new AtomicInteger();
    try (ReadyNotices n = new ReadyNotices(Duration.ofMillis(200).toNanos(), trailing::incrementAndGet)) {
      assertThat(n.claimInline()).isTrue();
      for (int i = 0; i < 50; i++) {
        assertThat(n.claimInline()).as("inside the window").isFalse();
      }
      // Only a refused enqueue schedules a trailing notice, and only one is due at a time.
      await().atMost(Duration.ofSeconds(5)).until(() -> trailing.get() == 1);
      await("a sparse enqueue to notify at once again").atMost(Duration.ofSeconds(5)).until(n::claimInline);
    }
  }

  @Test
  void a_closed_notifier_sends_nothing_more() {
    AtomicInteger trailing = new AtomicInteger();
    ReadyNotices n = new ReadyNotices(Duration.ofSeconds(30).toNanos(), trailing::incrementAndGet);
    assertThat(n.claimInline()).isTrue();
    assertThat(n.claimInline()).isFalse();
    n.close();
    assertThat(n.claimInline()).isFalse();
    assertThat(trailing.get()).isZero();
  }
}
