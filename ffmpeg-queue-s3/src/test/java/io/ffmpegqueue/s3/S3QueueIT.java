package io.ffmpegqueue.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.RetryPolicy;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.FfmpegJob;
import io.ffmpegqueue.ffmpeg.FfmpegResult;
import io.ffmpegqueue.ffmpeg.FfmpegRunner;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.io.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Whole tasks through a real {@link FfmpegQueue} with the default pipeline: inputs fetched, a runner that
 * stands in for ffmpeg (it writes the output from the input), outputs stored in S3Proxy.
 */
class S3QueueIT {
  private static final String BUCKET = "media";

  @TempDir
  static Path serverDir;

  @TempDir
  Path inputs;

  @TempDir
  Path work;

  static S3ProxyServer s3;
  static S3Client admin;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3ProxyServer.start(serverDir);
    admin = s3.adminClient();
    admin.createBucket(b -> b.bucket(BUCKET));
  }

  @AfterAll
  static void stopS3() {
    admin.close();
    s3.close();
  }

  /** Stands in for ffmpeg: writes each output as a marker followed by the first input's bytes. */
  static final class CopyingRunner implements FfmpegRunner {
    final AtomicInteger runs = new AtomicInteger();

    @Override
    public FfmpegResult run(FfmpegJob job) {
      runs.incrementAndGet();
      try {
        byte[] in = Files.readAllBytes(job.workspace().resolve(job.inputs().get(0)));
        for (String out : job.outputs()) {
          byte[] marker = "transcoded:".getBytes(StandardCharsets.UTF_8);
          byte[] content = new byte[marker.length + in.length];
          System.arraycopy(marker, 0, content, 0, marker.length);
          System.arraycopy(in, 0, content, marker.length, in.length);
          Files.write(job.workspace().resolve(out), content);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new FfmpegResult(Map.of(), Duration.ofMillis(1));
    }
  }

  private FfmpegQueue queue(Storage storage, CopyingRunner runner, S3InputFetcher s3Inputs, List<String> seen) {
    FfmpegQueue.Builder b = FfmpegQueue.builder()
        .storage(storage)
        .runner(runner)
        .fetcher(FileInputFetcher.allowing(inputs))
        .workspaceRoot(work)
        .minFreeSpace(0)
        .pollWait(Duration.ofMillis(100))
        .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(20))
            .maxBackoff(Duration.ofMillis(50)).build())
        .listener(e -> seen.add(e + " " + TaskJson.write(e.task())));
    if (s3Inputs != null) {
      b.fetcher(s3Inputs);
    }
    return b.build();
  }

  private static TaskRequest request(URI input) {
    return TaskRequest.builder().command("-i input.mov -c:v libx264 output.mp4")
        .input("input.mov", input).output("output.mp4").build();
  }

  private void assertWorkspacesRemoved() throws IOException {
    try (var s = Files.list(work)) {
      assertThat(s).as("workspaces left under " + work).isEmpty();
    }
  }

  @Test
  void a_task_from_a_file_input_completes_with_its_output_in_s3_under_the_guides_url() throws Exception {
    Path source = Files.write(inputs.resolve("source.mov"), "source video".getBytes(StandardCharsets.UTF_8));
    CopyingRunner runner = new CopyingRunner();
    List<String> seen = new CopyOnWriteArrayList<>();
    try (S3Storage storage = s3.storage(BUCKET).presignedUrls(Duration.ofMinutes(10)).build();
        FfmpegQueue queue = queue(storage, runner, null, seen)) {
      Task done = queue.submit(request(source.toUri())).completion().get(30, TimeUnit.SECONDS);

      assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(done.outputUrl()).isEqualTo("s3://media/ffmpeg-outputs/" + done.id().value() + "/output.mp4");
      var out = done.outputs().get(0);
      assertThat(out.contentType()).isEqualTo("video/mp4");
      assertThat(out.checksum()).startsWith("sha256:");
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(out.downloadUrl()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo("transcoded:source video");
      assertWorkspacesRemoved();
      assertThat(String.join("\n", seen) + TaskJson.write(done)).doesNotContain(S3ProxyServer.SECRET_KEY);
    }
  }

  @Test
  void a_task_from_an_s3_input_completes_with_its_output_in_s3() throws Exception {
    admin.putObject(p -> p.bucket(BUCKET).key("uploads/in.mov"), RequestBody.fromString("from s3"));
    CopyingRunner runner = new CopyingRunner();
    try (S3Storage storage = s3.storage(BUCKET).build();
        S3InputFetcher fetcher = S3InputFetcher.builder().client(storage.client()).allowBuckets(BUCKET).build();
        FfmpegQueue queue = queue(storage, runner, fetcher, new CopyOnWriteArrayList<>())) {
      Task done = queue.submit(request(URI.create("s3://media/uploads/in.mov"))).completion().get(30, TimeUnit.SECONDS);

      assertThat(done.status()).isEqualTo(TaskStatus.COMPLETED);
      try (var in = storage.open(URI.create(done.outputUrl()))) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("transcoded:from s3");
      }
      assertWorkspacesRemoved();
    }
  }

  @Test
  void wrong_credentials_fail_the_task_after_its_retries_with_a_clear_error_and_no_secret_anywhere() throws Exception {
    String wrong = "wrong-secret-c0ffee";
    Path source = Files.write(inputs.resolve("source.mov"), new byte[] {1, 2, 3});
    CopyingRunner runner = new CopyingRunner();
    List<String> seen = new CopyOnWriteArrayList<>();
    try (S3Storage storage = s3.storage(BUCKET).credentials(S3ProxyServer.ACCESS_KEY, wrong).build();
        FfmpegQueue queue = queue(storage, runner, null, seen)) {
      Task done = queue.submit(request(source.toUri())).completion().get(30, TimeUnit.SECONDS);

      assertThat(done.status()).isEqualTo(TaskStatus.FAILED);
      assertThat(done.error().kind()).isEqualTo(ErrorKind.STORAGE);
      assertThat(done.error().message()).contains("SignatureDoesNotMatch", "AWS_SECRET_ACCESS_KEY");
      assertThat(done.attempt()).as("retried under the policy: the operator may mend the credentials").isEqualTo(3);
      assertThat(runner.runs).hasValue(3);
      assertWorkspacesRemoved();
      assertThat(String.join("\n", seen) + TaskJson.write(done)).doesNotContain(wrong, S3ProxyServer.SECRET_KEY);
    }
  }

  @Test
  void a_missing_bucket_fails_the_task_after_its_retries_naming_the_bucket() throws Exception {
    Path source = Files.write(inputs.resolve("source.mov"), new byte[] {1, 2, 3});
    CopyingRunner runner = new CopyingRunner();
    try (S3Storage storage = s3.storage("no-such-bucket").build();
        FfmpegQueue queue = queue(storage, runner, null, new CopyOnWriteArrayList<>())) {
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
    CopyingRunner runner = new CopyingRunner();
    Path downDir = Files.createDirectories(work.resolveSibling(work.getFileName() + "-down"));
    try (S3ProxyServer down = S3ProxyServer.start(downDir)) {
      down.stop();
      try (S3Storage storage = down.storage(BUCKET).build();
          FfmpegQueue queue = queue(storage, runner, null, new CopyOnWriteArrayList<>())) {
        Task done = queue.submit(request(source.toUri())).completion().get(60, TimeUnit.SECONDS);

        assertThat(done.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(done.error().kind()).isEqualTo(ErrorKind.STORAGE);
        assertThat(done.error().message()).contains("cannot reach S3");
        assertThat(done.attempt()).isEqualTo(3);
        assertThat(runner.runs).hasValue(3);
        assertWorkspacesRemoved();
      }
    }
  }
}
