package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FfmpegQueueSmokeTest {
  @Test
  void a_submitted_task_runs_through_the_handler_and_completes() throws Exception {
    try (FfmpegQueue queue = FfmpegQueue.builder()
        .handler(ctx -> List.of(new TaskOutput("out.mp4", URI.create("mem:/" + ctx.task().id()), 3, null, null, null, null)))
        .pollWait(Duration.ofMillis(200))
        .build()) {
      Submission s = queue.submit(TaskRequest.builder().command("-f lavfi -i testsrc=d=1 out.mp4")
          .output("out.mp4").build());
      Task done = s.completion().get(10, TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(done.outputUrl()).isEqualTo("mem:/" + s.id());
    }
  }
}
