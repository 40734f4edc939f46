package io.ffmpegqueue.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.RetryPolicy;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension with queue options, as docs/testing.md shows it. */
class ConfiguredKitUsageTest {
  // sample:configure
  @RegisterExtension
  final FfmpegQueueExtension ffq = FfmpegQueueExtension.configure(h -> h
      .queueOptions(q -> q
          .retryPolicy(RetryPolicy.none())
          .defaultTimeout(Duration.ofMinutes(5))));

  @Test
  void a_storage_failure_is_final_without_retries(FfmpegQueueHarness queue, InMemoryStorage storage) {
    storage.failNextStore("bucket is read-only");
    Task t = queue.submitAndRun(KitUsageTest.request());
    assertThat(t.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(t.request().timeout()).isEqualTo(Duration.ofMinutes(5));
  }
  // end-sample
}
