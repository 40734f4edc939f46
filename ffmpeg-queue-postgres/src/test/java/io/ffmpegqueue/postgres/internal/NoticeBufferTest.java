package io.ffmpegqueue.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class NoticeBufferTest {
  private final List<List<String>> sent = new CopyOnWriteArrayList<>();

  @Test
  void the_first_notice_goes_at_once_and_a_burst_after_it_goes_as_one_batch() {
    try (NoticeBuffer b = new NoticeBuffer("o1", Duration.ofMillis(300).toNanos(), sent::add)) {
      b.ready();
      await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 1);
      assertThat(sent.get(0)).containsExactly("r|o1|");
      TaskId a = TaskId.of("a");
      TaskId c = TaskId.of("c");
      b.event(TaskEvent.Type.STARTED, a);
      b.ready();
      b.event(TaskEvent.Type.COMPLETED, a);
      b.event(TaskEvent.Type.FAILED, c);
      await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 2);
      assertThat(sent.get(1)).containsExactly("r|o1|", "E|o1|STARTED:a;COMPLETED:a;FAILED:c");
    }
  }

  @Test
  void a_retry_is_also_a_ready_notice_and_long_batches_are_split_under_the_payload_limit() {
    try (NoticeBuffer b = new NoticeBuffer("o2", Duration.ofSeconds(30).toNanos(), sent::add)) {
      b.ready();
      await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 1);
      for (int i = 0; i < 300; i++) {
        b.event(TaskEvent.Type.RETRY_SCHEDULED, TaskId.of("task-" + "x".repeat(60) + "-" + i));
      }
    } // close sends what is gathered
    List<String> last = sent.get(sent.size() - 1);
    assertThat(last.get(0)).isEqualTo("r|o2|");
    assertThat(last.size()).isGreaterThan(2);
    assertThat(last.subList(1, last.size())).allSatisfy(p -> {
      assertThat(p).startsWith("E|o2|RETRY_SCHEDULED:");
      assertThat(p.length()).isLessThanOrEqualTo(7_000);
    });
    assertThat(String.join(";", last.subList(1, last.size())).split("RETRY_SCHEDULED:")).hasSize(301);
  }
}
