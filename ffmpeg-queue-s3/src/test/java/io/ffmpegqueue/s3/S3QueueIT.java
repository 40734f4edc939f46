package io.ffmpegqueue.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.RetryPolicy;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.testing.FakeFfmpegRunner;
import io.ffmpegqueue.testing.FakeOutcome;
import io.ffmpegqueue.testing.RecordingTaskListener;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Whole tasks through a real {@link FfmpegQueue} with the default pipeline: inputs fetched, the kit's fake
 * ffmpeg (it writes the output from the input), outputs stored in S3Proxy.
 */
class S3QueueIT {
  private static final String BUCKET = "media";

  @TempDir
  Path inputs;

  @TempDir
  Path work;

  @RegisterExtension
  static final S3ProxyServer.PerClass S3 = new S3ProxyServer.PerClass(BUCKET);

  /** Stands in for ffmpeg: writes the output from the input as fetched, so its content shows what arrived. */
  private static FakeFfmpegRunner copyingRunner() {
    return new FakeFfmpegRunner().defaultOutcome(FakeOutcome.succeed().withOutputCopiedFrom("output.mp4", "input.mov"));
  }

  private FfmpegQueue queue(Storage storage, FakeFfmpegRunner runner, S3InputFetcher s3Inputs,
      RecordingTaskListener seen) {
    FfmpegQueue.Builder b = FfmpegQueue.builder()
        .storage(storage)
        .runner(runner)
        .fetcher(FileInputFetcher.allowing(inputs))
        .workspaceRoot(work)
        .minFreeSpace(0)
        .pollWait(Duration.ofMillis(100))
        .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(20))
            .maxBackoff(Duration.ofMillis(50)).build())
        .listener(seen);
    if (s3Inputs != null) {
      b.fetcher(s3Inputs);
    }
    return b.build();
  }

  private static TaskRequest request(URI input) {
    return TaskRequest.builder().command("-i input.mov -c:v libx264 output.mp4")
        .input("input.mov", input).output("output.mp4").build();
  }

  /** Every event the listener saw up to the task's final one, with the task as JSON, and the final task. */
  private static String everything(RecordingTaskListener seen, Task done) {
    seen.await(done.id(), TaskEvent.Type.valueOf(done.status().name()));
    return seen.events().stream().map(e -> e + " " + TaskJson.write(e.task())).collect(Collectors.joining("\n"))
        + "\n" + TaskJson.write(done);
  }

  private void assertWorkspacesRemoved() throws IOException {
    try (var s = Files.list(work)) {
      assertThat(s).as("workspaces left under " + work).isEmpty();
    }
  }

  @Test
  void a_task_from_a_file_input_completes_with_its_output_in_s3_under_the_guides_url() throws Exception {
    Path source = Files.write(inputs.resolve("source.mov"), "source video".getBytes(StandardCharsets.UTF_8));
    FakeFfmpegRunner runner = copyingRunner();
    RecordingTaskListener seen = new RecordingTaskListener();
    try (S3Storage storage = S3.server().storage(BUCKET).presignedUrls(Duration.ofMinutes(10)).build();
        FfmpegQueue queue = queue(storage, runner, null, seen)) {
      Task done = queue.submit(request(source.toUri())).completion().get(30, TimeUnit.SECONDS);

      assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(done.outputUrl()).isEqualTo("s3://media/ffmpeg-outputs/" + done.id().value() + "/output.mp4");
      var out = done.outputs().get(0);
      assertThat(out.contentType()).isEqualTo("video/mp4");
      assertThat(out.checksum()).startsWith("sha256:");
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(out.downloadUrl()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo("source video");
      assertWorkspacesRemoved();
      assertThat(everything(seen, done)).doesNotContain(S3ProxyServer.SECRET_KEY);
    }
  }

  @Test
  void a_task_from_an_s3_input_completes_with_its_output_in_s3() throws Exception {
    S3.admin().putObject(p -> p.bucket(BUCKET).key("uploads/in.mov"), RequestBody.fromString("from s3"));
    FakeFfmpegRunner runner = copyingRunner();
    try (S3Storage storage = S3.server().storage(BUCKET).build();
        S3InputFetcher fetcher = S3InputFetcher.builder().client(storage.client()).allowBuckets(BUCKET).build();
        FfmpegQueue queue = queue(storage, runner, fetcher, new RecordingTaskListener())) {
      Task done = queue.submit(request(URI.create("s3://media/uploads/in.mov"))).completion().get(30, TimeUnit.SECONDS);

      assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
      try (var in = storage.open(URI.create(done.outputUrl()))) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("from s3");
      }
      assertWorkspacesRemoved();
    }
  }

  @Test
  void wrong_credentials_fail_the_task_after_its_retries_with_a_clear_error_and_no_secret_anywhere() throws Exception {
    String wrong = "wrong-secret-c0ffee";
    Path source = Files.write(inputs.resolve("source.mov"), new byte[] {1, 2, 3});
    FakeFfmpegRunner runner = copyingRunner();
    RecordingTaskListener seen = new RecordingTaskListener();
    try (S3Storage storage = S3.server().storage(BUCKET).credentials(S3ProxyServer.ACCESS_KEY, wrong).build();
        FfmpegQueue queue = queue(storage, runner, null, seen)) {
      Task done = queue.submit(request(source.toUri())).completion().get(30, TimeUnit.SECONDS);

      assertThat(done.status()).isEqualTo(TaskStatus.FAILED);
      assertThat(done.error().kind()).isEqualTo(ErrorKind.STORAGE);
      assertThat(done.error().message()).contains("SignatureDoesNotMatch", "AWS_SECRET_ACCESS_KEY");
      assertThat(done.attempt()).as("retried under the policy: the operator may mend the credentials").isEqualTo(3);
      assertThat(runner.runCount()).isEqualTo(3);
      assertWorkspacesRemoved();
      assertThat(everything(seen, done)).doesNotContain(wrong, S3ProxyServer.SECRET_KEY);
    }
  }

  @Test
  void a_missing_bucket_fails_the_task_after_its_retries_naming_the_bucket() throws Exception {
    Path source = Files.write(inputs.resolve("source.mov"), new byte[] {1, 2, 3});
    FakeFfmpegRunner runner = copyingRunner();
    try (S3Storage storage = S3.server().storage("no-such-bucket").build();
        FfmpegQueue queue = queue(storage, runner, null, new RecordingTaskListener())) {
      Task done = queue.submit(request(source.toUri())).completion().get(30, TimeUnit.SECONDS);

      assertThat(done.status()).isEqualTo(TaskStatus.FAILED);
      assertThat(done.error().kind()).isEqualTo(ErrorKind.STORAGE);
      assertThat(done.error().message()).contains("bucket 'no-such-bucket' does not exist");
      assertThat(done.attempt()).isEqualTo(3);
      assertWorkspacesRemoved();
    }
  }

  @Test
  void an_unreachable_s3_is_retried_until_the_attempts_are_spent_then_the_task_fails() throws Exception {
    Path source = Files.write(inputs.resolve("source.mov"), new byte[] {1, 2, 3});
    FakeFfmpegRunner runner = copyingRunner();
    Path downDir = Files.createDirectories(inputs.resolve("down")); // inside a temp folder this test owns
    try (S3ProxyServer down = S3ProxyServer.start(downDir)) {
      down.stop();
      try (S3Storage storage = down.storage(BUCKET).build();
          FfmpegQueue queue = queue(storage, runner, null, new RecordingTaskListener())) {
        Task done = queue.submit(request(source.toUri())).completion().get(60, TimeUnit.SECONDS);

        assertThat(done.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(done.error().kind()).isEqualTo(ErrorKind.STORAGE);
        assertThat(done.error().message()).contains("cannot reach S3");
        assertThat(done.attempt()).isEqualTo(3);
        assertThat(runner.runCount()).isEqualTo(3);
        assertWorkspacesRemoved();
      }
    }
  }
}
