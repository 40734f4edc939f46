package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.ffmpeg.Progress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProgressPersistenceTest {
  @Test
  void the_last_progress_before_a_quiet_spell_is_stored_within_the_progress_interval_not_at_the_next_heartbeat()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (FfmpegQueue queue = FfmpegQueue.builder().workers(1).pollWait(Duration.ofMillis(200))
        .heartbeatInterval(Duration.ofSeconds(30)).leaseDuration(Duration.ofSeconds(90))
        .progressInterval(Duration.ofMillis(300))
        .handler(ctx -> {
          // Right after the claim, so within the progress interval of the lease: not written at once.
          ctx.reportProgress(new Progress(0.25, Duration.ofSeconds(1), null, null, null));
          release.await(20, TimeUnit.SECONDS); // then nothing more for a while
          return List.of();
        })
        .build()) {
      Submission s = queue.submit(TaskRequest.builder().command("-f lavfi -i testsrc=d=1 out.mp4").output("out.mp4").build());

      // A status poll (GET /ffmpeg/status) reads the backend: it sees 0.25 long before the 30 s heartbeat.
      await().atMost(Duration.ofSeconds(5))
          .until(() -> queue.find(s.id()).map(Task::progress).orElse(null), p -> p != null && p == 0.25);

      release.countDown();
      assertThat(s.completion().get(10, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.COMPLETED);
    }
  }
}
