package io.ffmpegqueue.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Submission;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskOutput;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.FfmpegJob;
import io.ffmpegqueue.ffmpeg.MediaInfo;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The default pipeline (workspace, fetch, ffmpeg, store, clean up) around a fake ffmpeg: everything a task
 * does except running ffmpeg itself, deterministic on the test thread.
 */
@FfmpegQueueTest
class FfmpegPipelineTest {
  private static final String CAT = "https://cdn.example.com/cat.mp4";
  private static final String DOG = "https://cdn.example.com/dog.mp4";

  private static TaskRequest request() {
    return TaskRequest.builder()
        .command("-i input.mp4 -vf scale=640:-2 output.mp4")
        .input("input.mp4", URI.create(CAT))
        .output("output.mp4")
        .build();
  }

  @Test
  void ffmpeg_runs_the_parsed_command_in_a_workspace_holding_the_fetched_inputs(FfmpegQueueHarness queue,
      FakeFfmpegRunner ffmpeg, FakeInputFetcher inputs) throws Exception {
    inputs.serve(CAT, new byte[] {1, 2, 3}).serve(DOG, new byte[] {4});
    ffmpeg.enqueue(FakeOutcome.hang());
    queue.submit(TaskRequest.builder()
        .command("-i input.mp4 -i 'second.mp4' -filter_complex \"hstack\" output.mp4")
        .input("input.mp4", URI.create(CAT))
        .input("second.mp4", URI.create(DOG))
        .output("output.mp4")
        .build());
    FfmpegQueueHarness.BackgroundRun run = queue.runNextInBackground();

    FfmpegJob job = ffmpeg.takeJob();
    assertThat(job.command().arguments()).containsExactly("-i", "input.mp4", "-i", "second.mp4",
        "-filter_complex", "hstack", "output.mp4");
    assertThat(job.inputs()).containsExactly("input.mp4", "second.mp4");
    assertThat(job.outputs()).containsExactly("output.mp4");
    assertThat(Files.readAllBytes(job.workspace().resolve("input.mp4"))).containsExactly(1, 2, 3);
    assertThat(Files.readAllBytes(job.workspace().resolve("second.mp4"))).containsExactly(4);
    assertThat(inputs.fetched()).containsExactlyInAnyOrder(URI.create(CAT), URI.create(DOG));

    queue.cancel(job.context().task().id());
    run.await();
    assertThat(job.workspace()).as("the workspace is removed after a cancel").doesNotExist();
  }

  @Test
  void every_declared_output_is_stored_in_request_order_with_its_size_checksum_and_media(FfmpegQueueHarness queue,
      FakeFfmpegRunner ffmpeg, InMemoryStorage storage) {
    MediaInfo info = new MediaInfo("mov,mp4,m4a,3gp,3g2,mj2", 10.0, List.of(new MediaInfo.StreamInfo(0, "video", "h264", 640, 360)));
    ffmpeg.enqueue(FakeOutcome.succeed().withOutput("thumb.jpg", new byte[] {(byte) 0xFF, (byte) 0xD8}).withMedia("output.mp4", info));
    Submission s = queue.submit(request().toBuilder()
        .command("-i input.mp4 -vf scale=640:-2 output.mp4 -frames:v 1 thumb.jpg").output("thumb.jpg").build());

    Task done = queue.runNext().orElseThrow();

    assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(done.outputs()).extracting(TaskOutput::name).containsExactly("output.mp4", "thumb.jpg");
    TaskOutput video = done.outputs().get(0);
    assertThat(video.size()).isEqualTo(FakeOutcome.defaultContent("output.mp4").length);
    assertThat(video.checksum()).startsWith("sha256:");
    assertThat(video.media()).isEqualTo(info);
    assertThat(done.outputUrl()).isEqualTo("mem://outputs/" + s.id() + "/output.mp4");
    assertThat(storage.bytes(s.id(), "thumb.jpg")).containsExactly(0xFF, 0xD8);
    assertThat(done.outputs().get(1).contentType()).isEqualTo("image/jpeg");
  }

  @Test
  void the_workspace_is_removed_after_a_success_and_after_a_failure(FfmpegQueueHarness queue, FakeFfmpegRunner ffmpeg) {
    ffmpeg.enqueue(FakeOutcome.succeed()).enqueue(FakeOutcome.fail(1, "Conversion failed!"));
    queue.submit(request());
    queue.submit(request());
    queue.runUntilIdle();
    assertThat(ffmpeg.takeJob().workspace()).doesNotExist();
    assertThat(ffmpeg.takeJob().workspace()).doesNotExist();
  }

  @Test
  void an_ffmpeg_error_fails_the_task_with_its_reason_and_is_not_retried(FfmpegQueueHarness queue,
      FakeFfmpegRunner ffmpeg, RecordingTaskListener events) {
    ffmpeg.enqueue(FakeOutcome.fail(1, "[vost#0:0] Unknown encoder 'libx266'\nError opening output files: Encoder not found"));
    Submission s = queue.submit(request());
    assertThat(queue.runUntilIdle()).isEqualTo(1);
    Task t = queue.find(s.id()).orElseThrow();
    assertThat(t.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(t.error().kind()).isEqualTo(ErrorKind.FFMPEG);
    assertThat(t.errorMessage()).isEqualTo("ffmpeg exited with code 1: Error opening output files: Encoder not found");
    assertThat(t.error().stderrTail()).contains("Unknown encoder 'libx266'");
    assertThat(events.typesOf(s.id())).containsExactly(TaskEvent.Type.SUBMITTED, TaskEvent.Type.STARTED, TaskEvent.Type.FAILED);
  }

  @Test
  void an_output_ffmpeg_did_not_write_fails_the_task_as_missing_output(FfmpegQueueHarness queue, FakeFfmpegRunner ffmpeg,
      InMemoryStorage storage) {
    ffmpeg.enqueue(FakeOutcome.succeed().withoutOutput("thumb.jpg"));
    Submission s = queue.submit(request().toBuilder()
        .command("-i input.mp4 output.mp4 -frames:v 1 thumb.jpg").output("thumb.jpg").build());
    Task t = queue.runNext().orElseThrow();
    assertThat(t.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(t.error().kind()).isEqualTo(ErrorKind.MISSING_OUTPUT);
    assertThat(t.errorMessage()).contains("'thumb.jpg'").contains("was not written");
    assertThat(storage.size()).as("nothing stored for a failed task").isZero();
    assertThat(storage.contains(s.id(), "output.mp4")).isFalse();
  }

  @Test
  void an_empty_output_fails_the_task_as_missing_output(FfmpegQueueHarness queue, FakeFfmpegRunner ffmpeg) {
    ffmpeg.enqueue(FakeOutcome.succeed(new byte[0]));
    Task t = queue.submitAndRun(request());
    assertThat(t.error().kind()).isEqualTo(ErrorKind.MISSING_OUTPUT);
    assertThat(t.errorMessage()).contains("is empty");
  }

  @Test
  void an_input_that_is_not_found_fails_the_task_before_ffmpeg_runs(FfmpegQueueHarness queue, FakeFfmpegRunner ffmpeg,
      FakeInputFetcher inputs) {
    inputs.refuseUnregistered();
    Task t = queue.submitAndRun(request());
    assertThat(t.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(t.error().kind()).isEqualTo(ErrorKind.INPUT);
    assertThat(t.errorMessage()).contains("input 'input.mp4': HTTP 404 from " + CAT);
    assertThat(ffmpeg.runCount()).isZero();
  }

  @Test
  void a_storage_failure_is_retried_after_its_backoff_and_the_output_then_stored(FfmpegQueueHarness queue,
      InMemoryStorage storage, ManualClock clock) {
    storage.failNextStore("connection reset by peer");
    Task waiting = queue.submitAndRun(request());
    assertThat(waiting.status()).isEqualTo(TaskStatus.PENDING);
    assertThat(waiting.error().kind()).isEqualTo(ErrorKind.STORAGE);
    assertThat(waiting.errorMessage()).isEqualTo("output 'output.mp4': connection reset by peer");
    assertThat(queue.runNext()).as("the retry waits for its backoff").isEmpty();

    queue.advance(Duration.between(clock.instant(), waiting.runAt()));
    Task done = queue.runNext().orElseThrow();
    assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(done.attempt()).isEqualTo(2);
    assertThat(storage.contains(done.id(), "output.mp4")).isTrue();
  }

  @Test
  void progress_reaches_listeners_and_ends_at_one(FfmpegQueueHarness queue, FakeFfmpegRunner ffmpeg,
      RecordingTaskListener events) {
    ffmpeg.enqueue(FakeOutcome.succeed().withProgress(0.25, 0.5, 0.75, 1.0));
    Task done = queue.submitAndRun(request());
    List<TaskEvent> progress = events.eventsOf(done.id()).stream().filter(e -> e.type() == TaskEvent.Type.PROGRESS).toList();
    assertThat(progress).isNotEmpty();
    assertThat(progress.get(progress.size() - 1).progress().fraction()).isEqualTo(1.0);
    assertThat(done.progress()).isEqualTo(1.0);
  }

  @Test
  void fake_ffmpeg_writes_folders_and_patterns_which_are_stored_and_a_folder_reaches_the_next_task(
      FfmpegQueueHarness queue, FakeFfmpegRunner ffmpeg, InMemoryStorage storage) throws Exception {
    Submission media = queue.submit(TaskRequest.builder().input("input.mp4", URI.create(CAT))
        .command("-i input.mp4 -f hls -hls_segment_filename hls/seg_%03d.ts hls/index.m3u8 -vf fps=1 thumb_%03d.jpg")
        .output("hls/").output("thumb_%03d.jpg").build());
    Task done = queue.runNext().orElseThrow();
    ffmpeg.takeJob();

    assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(TaskStatus.COMPLETED);
    assertThat(done.outputs()).extracting(TaskOutput::name).containsExactly(
        "hls/index.m3u8", "hls/seg_000.ts", "hls/seg_001.ts", "thumb_001.jpg", "thumb_002.jpg");
    String playlist = new String(storage.open(done.outputs().get(0).uri()).readAllBytes());
    assertThat(playlist).startsWith("#EXTM3U").contains("\nseg_000.ts\n", "\nseg_001.ts\n", "#EXT-X-ENDLIST");

    queue.submit(TaskRequest.builder().command("-i hls/index.m3u8 -c copy out.mp4")
        .input("hls/", media.id(), "hls/").output("out.mp4").build());
    CompletableFuture<Void> looked = new CompletableFuture<>();
    ffmpeg.enqueue(FakeOutcome.succeed().withPauseUntil(looked));
    FfmpegQueueHarness.BackgroundRun run = queue.runNextInBackground();
    FfmpegJob job = ffmpeg.takeJob();
    assertThat(job.inputs()).containsExactly("hls/");
    assertThat(Files.readString(job.workspace().resolve("hls/index.m3u8"))).isEqualTo(playlist);
    assertThat(job.workspace().resolve("hls/seg_001.ts")).isRegularFile();
    looked.complete(null);
    assertThat(run.await().orElseThrow().status()).isEqualTo(TaskStatus.COMPLETED);
  }
}
