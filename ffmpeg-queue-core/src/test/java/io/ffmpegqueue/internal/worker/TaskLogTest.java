package io.ffmpegqueue.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.spi.Lease;
import io.ffmpegqueue.spi.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskLogTest {
  private final Lease lease = new Lease(Task.pending(TaskId.of("t-1"), TaskRequest.builder()
      .command("-i input.mp4 output.mp4").input("input.mp4", "https://example.com/a.mp4").output("output.mp4")
      .maxAttempts(3).build(), Instant.EPOCH).toBuilder().status(TaskStatus.RUNNING).attempt(2).build(),
      "w", Instant.EPOCH.plusSeconds(30));

  @Test
  void the_start_line_names_the_task_and_its_attempt() {
    assertThat(TaskLog.startLine(lease)).isEqualTo("task t-1: attempt 2 of 3 started");
  }

  @Test
  void the_end_line_names_the_task_the_attempt_the_outcome_and_the_duration() {
    assertThat(TaskLog.endLine(lease, TaskLog.outcome(TaskEvent.Type.COMPLETED, null), Duration.ofMillis(2345)))
        .isEqualTo("task t-1: attempt 2 ended: completed after 2.3 s");
    assertThat(TaskLog.outcome(TaskEvent.Type.RETRY_SCHEDULED, null)).isEqualTo("retry_scheduled");
    assertThat(TaskLog.outcome(null, new Outcome.Released())).isEqualTo("released");
    assertThat(TaskLog.outcome(null, new Outcome.Await(List.of(TaskId.random())))).isEqualTo("awaiting");
    assertThat(TaskLog.outcome(null, null)).isEqualTo("dropped");
  }
}
