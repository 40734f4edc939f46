package io.ffmpegqueue.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.FfmpegQueueClient;
import io.ffmpegqueue.RetryPolicy;
import io.ffmpegqueue.TaskStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs small test classes through the Jupiter engine and checks what the extension did around them. */
class FfmpegQueueExtensionTest {
  private static final String SAMPLES = "io.ffmpegqueue.testing.FfmpegQueueExtensionTest#samplesRequested";
  static final List<FfmpegQueueHarness> seen = new CopyOnWriteArrayList<>();
  private static volatile boolean samplesRequested;

  private static EngineExecutionResults run(Class<?> testClass) {
    seen.clear();
    samplesRequested = true;
    try {
      return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute();
    } finally {
      samplesRequested = false;
    }
  }

  // The sample classes run only inside run(): a build that selects nested classes too skips them.
  static boolean samplesRequested() {
    return samplesRequested;
  }

  @EnabledIf(SAMPLES)
  @FfmpegQueueTest
  static class EveryPartOfOneTestBelongsToOneQueue {
    FfmpegQueueHarness before;

    @BeforeEach
    void setUp(FfmpegQueueHarness harness) {
      before = harness;
    }

    @Test
    void parts(FfmpegQueueHarness harness, FfmpegQueue queue, FfmpegQueueClient client, FakeFfmpegRunner runner,
        ManualClock clock, RecordingTaskListener listener, InMemoryStorage storage, FakeInputFetcher fetcher) {
      seen.add(harness);
      assertThat(before).isSameAs(harness);
      assertThat(queue).isSameAs(harness.queue());
      assertThat(client).isSameAs(harness);
      assertThat(runner).isSameAs(harness.runner());
      assertThat(clock).isSameAs(harness.clock());
      assertThat(listener).isSameAs(harness.listener());
      assertThat(storage).isSameAs(harness.storage());
      assertThat(fetcher).isSameAs(harness.fetcher());
      assertThat(harness.submitAndRun(FfmpegQueueHarnessTest.request()).status()).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test
    void another(FfmpegQueueHarness harness) {
      seen.add(harness);
      assertThat(harness.counts().get(TaskStatus.COMPLETED)).as("a fresh queue per test").isZero();
    }
  }

  @Test
  void each_test_gets_its_own_queue_with_every_part_injected_and_it_is_closed_after_the_test() {
    run(EveryPartOfOneTestBelongsToOneQueue.class).testEvents().assertStatistics(s -> s.started(2).succeeded(2));
    assertThat(seen).hasSize(2).doesNotHaveDuplicates();
    for (FfmpegQueueHarness h : seen) {
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> h.submit(FfmpegQueueHarnessTest.request())))
          .as("closed after its test").isInstanceOf(IllegalStateException.class);
    }
  }

  @EnabledIf(SAMPLES)
  static class Configured {
    @RegisterExtension
    final FfmpegQueueExtension ffq = FfmpegQueueExtension.configure(h -> h
        .queueOptions(q -> q.retryPolicy(RetryPolicy.none())));

    @Test
    void no_retry(FfmpegQueueHarness harness, InMemoryStorage storage) {
      seen.add(harness);
      storage.failNextStore("upload failed");
      assertThat(harness.submitAndRun(FfmpegQueueHarnessTest.request()).status()).isEqualTo(TaskStatus.FAILED);
    }
  }

  @Test
  void a_registered_extension_applies_its_options_to_each_queue() {
    run(Configured.class).testEvents().assertStatistics(s -> s.succeeded(1));
    assertThat(seen).hasSize(1);
  }

  @EnabledIf(SAMPLES)
  @ExtendWith(FfmpegQueueExtension.class)
  static class InjectedIntoBeforeAll {
    @BeforeAll
    static void setUp(FfmpegQueueHarness harness) {
      seen.add(harness);
    }

    @Test
    void nothing() {}
  }

  @Test
  void a_queue_asked_for_outside_a_test_is_refused_with_a_clear_message() {
    EngineExecutionResults r = run(InjectedIntoBeforeAll.class);
    r.containerEvents().assertStatistics(s -> s.failed(1));
    Throwable why = r.containerEvents().failed().stream().findFirst().orElseThrow()
        .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    assertThat(why).hasMessageContaining("made per test").hasMessageContaining("FfmpegQueueHarness");
    assertThat(seen).isEmpty();
  }
}
