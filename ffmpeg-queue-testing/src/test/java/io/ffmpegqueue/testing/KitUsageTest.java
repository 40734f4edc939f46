package io.ffmpegqueue.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Submission;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The kit as docs/testing.md shows it: each test here is a sample of that page (see the sample markers). */
@FfmpegQueueTest
class KitUsageTest {
  // sample:request
  static TaskRequest request() {
    return TaskRequest.builder()
        .command("-i input.mp4 -vf scale=640:-2 output.mp4")
        .input("input.mp4", URI.create("https://cdn.example.com/cat.mp4")) // served by the FakeInputFetcher
        .output("output.mp4")
        .build();
  }
  // end-sample

  // sample:scripting
  @Test
  void the_runner_plays_scripted_outcomes_and_records_each_command(FfmpegQueueHarness queue, FakeFfmpegRunner ffmpeg,
      InMemoryStorage storage, RecordingTaskListener events) {
    byte[] video = {0, 0, 0, 24, 'f', 't', 'y', 'p'};
    ffmpeg.enqueue(FakeOutcome.succeed(video).withProgress(0.5, 1.0)); // the first run
    ffmpeg.enqueue(FakeOutcome.fail(1, "Error while decoding stream #0:0: Invalid data found")); // the second

    Submission good = queue.submit(request());
    Submission bad = queue.submit(request());
    queue.runUntilIdle();

    assertThat(ffmpeg.takeCommand().arguments()).containsExactly("-i", "input.mp4", "-vf", "scale=640:-2", "output.mp4");
    assertThat(storage.bytes(good.id(), "output.mp4")).isEqualTo(video);
    assertThat(events.typesOf(good.id())).startsWith(TaskEvent.Type.SUBMITTED, TaskEvent.Type.STARTED)
        .endsWith(TaskEvent.Type.COMPLETED);
    Task failed = queue.find(bad.id()).orElseThrow();
    assertThat(failed.error().kind()).isEqualTo(ErrorKind.FFMPEG);
    assertThat(failed.errorMessage()).isEqualTo("ffmpeg exited with code 1: Error while decoding stream #0:0: Invalid data found");
  }
  // end-sample

  // sample:copied-input
  @Test
  void an_output_copied_from_the_input_shows_which_input_arrived(FfmpegQueueHarness queue, FakeInputFetcher inputs,
      FakeFfmpegRunner ffmpeg, InMemoryStorage storage) {
    byte[] cat = "the cat video".getBytes(StandardCharsets.UTF_8);
    inputs.serve("https://cdn.example.com/cat.mp4", cat);
    ffmpeg.enqueue(FakeOutcome.succeed().withOutputCopiedFrom("output.mp4", "input.mp4"));

    Task done = queue.submitAndRun(request());

    assertThat(storage.bytes(done.id(), "output.mp4")).isEqualTo(cat); // fetched, "encoded", stored
  }
  // end-sample

  // sample:retry
  @Test
  void a_failed_download_is_retried_once_the_clock_passes_its_backoff(FfmpegQueueHarness queue, FakeInputFetcher inputs) {
    inputs.failNext("https://cdn.example.com/cat.mp4", "HTTP 503", true); // retryable, once

    Task waiting = queue.submitAndRun(request());
    assertThat(waiting.status()).isEqualTo(TaskStatus.PENDING); // its retry waits for the clock
    assertThat(queue.runUntilIdle()).isZero();

    queue.advance(Duration.ofMinutes(1)); // moves the ManualClock and ticks
    queue.runUntilIdle();
    Task done = queue.find(waiting.id()).orElseThrow();
    assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(done.attempt()).isEqualTo(2);
  }
  // end-sample

  // sample:timeout
  @Test
  void a_task_that_runs_too_long_is_stopped_at_its_timeout(FfmpegQueueHarness queue, FakeFfmpegRunner ffmpeg) {
    ffmpeg.enqueue(FakeOutcome.hang()); // runs until the queue stops it
    queue.submit(request().toBuilder().timeout(Duration.ofMinutes(10)).build());

    FfmpegQueueHarness.BackgroundRun run = queue.runNextInBackground();
    ffmpeg.takeJob(); // it is in ffmpeg now
    queue.advance(Duration.ofMinutes(10));

    Task t = run.await().orElseThrow();
    assertThat(t.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(t.error().kind()).isEqualTo(ErrorKind.TIMEOUT);
  }
  // end-sample

  // sample:cancel
  @Test
  void cancelling_a_running_task_stops_its_ffmpeg(FfmpegQueueHarness queue, FakeFfmpegRunner ffmpeg) {
    ffmpeg.enqueue(FakeOutcome.hang());
    Submission s = queue.submit(request());
    FfmpegQueueHarness.BackgroundRun run = queue.runNextInBackground();
    ffmpeg.takeJob();

    queue.cancel(s.id());

    assertThat(run.await().orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
  }
  // end-sample

  // sample:without-extension
  @Test
  void a_harness_can_be_made_and_closed_by_hand() {
    try (FfmpegQueueHarness queue = FfmpegQueueHarness.create()) {
      Task done = queue.submitAndRun(request());
      assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
    }
  }
  // end-sample

  // sample:worker-threads
  @Test
  void code_that_blocks_on_a_task_needs_worker_threads() throws Exception {
    try (FfmpegQueueHarness queue = FfmpegQueueHarness.builder().workerThreads(1).build()) {
      Task done = queue.submit(request()).completion().get(10, TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
    }
  }
  // end-sample

  // sample:pause
  @Test
  void a_task_can_be_held_running_until_the_test_lets_it_finish() throws Exception {
    try (FfmpegQueueHarness queue = FfmpegQueueHarness.builder().workerThreads(1).build()) {
      CompletableFuture<Void> finish = new CompletableFuture<>();
      queue.runner().enqueue(FakeOutcome.succeed().withProgress(0.5).withPauseUntil(finish));
      Submission s = queue.submit(request());

      queue.listener().await(s.id(), TaskEvent.Type.PROGRESS, Duration.ofSeconds(10));
      assertThat(queue.find(s.id()).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING); // held at 50 %

      finish.complete(null);
      assertThat(s.completion().get(10, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.COMPLETED);
    }
  }
  // end-sample
}
