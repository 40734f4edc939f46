package io.ffmpegqueue.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.FfmpegQueueClient;
import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.RetryPolicy;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.ffmpeg.CommandPolicy;
import io.ffmpegqueue.ffmpeg.FfmpegLocator;
import io.ffmpegqueue.ffmpeg.OutputDescription;
import io.ffmpegqueue.ffmpeg.ProcessFfmpegRunner;
import io.ffmpegqueue.ffmpeg.Sandbox;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.io.HttpInputFetcher;
import io.ffmpegqueue.io.LocalStorage;
import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.s3.S3InputFetcher;
import io.ffmpegqueue.s3.S3Storage;
import io.ffmpegqueue.testing.FakeFfmpegRunner;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The samples of docs/configuration.md: every builder option spelt out with its default value. */
class ConfigurationSamplesTest {
  @TempDir Path tmp;

  /** Every option of {@code FfmpegQueue.builder()} but the runner, set to its default. */
  static FfmpegQueue.Builder everyQueueOption(Path tmp, List<TaskEvent> seen) {
    // sample:queue-builder
    FfmpegQueue.Builder builder = FfmpegQueue.builder()
        // QueueOptions: shared with FfmpegQueueClient.builder(backend)
        .backend(InMemoryQueueBackend.create())      // default: a new in-memory backend, closed with the queue
        .fetcher(HttpInputFetcher.create())          // default for http and https when no fetcher serves them
        .commandPolicy(CommandPolicy.strict())
        .retryPolicy(RetryPolicy.defaults())         // 3 attempts, backoff 1 s doubling to 5 min, 20% jitter
        .defaultTimeout(Duration.ofHours(1))         // per attempt, when the request sets none
        .clock(InstantSource.system())
        .listener(seen::add)                         // default: none; also listener(type, listener)
        // the worker side
        .storage(LocalStorage.at(tmp.resolve("ffmpeg-queue/outputs")))  // default under java.io.tmpdir
        // .runner(...)                              // default: ProcessFfmpegRunner, sandbox AUTO, the policy above
        // .handler(...)                             // default: the pipeline (fetch, ffmpeg, store)
        .workers(2)                                  // 0 = submit only
        .workspaceRoot(tmp.resolve("ffmpeg-queue/work"))                // default under java.io.tmpdir
        .minFreeSpace(256L << 20)                    // bytes free under the workspace root to start an attempt
        .leaseDuration(Duration.ofSeconds(60))
        .heartbeatInterval(Duration.ofSeconds(10))   // must be shorter than the lease
        .progressInterval(Duration.ofMillis(500))
        .pollWait(Duration.ofSeconds(5))
        .drainTimeout(Duration.ofSeconds(30))
        .stopTimeout(Duration.ofSeconds(10))
        .reapInterval(Duration.ofSeconds(15))
        .workerId("worker-a");                       // default: pid@host plus a random part
    // end-sample
    return builder;
  }

  @Test
  void the_queue_with_every_option_at_its_default_runs_a_task() {
    List<TaskEvent> seen = new CopyOnWriteArrayList<>();
    FakeFfmpegRunner runner = new FakeFfmpegRunner();
    try (FfmpegQueue queue = everyQueueOption(tmp, seen).runner(runner)
        .fetcher(FileInputFetcher.allowing(tmp)).build()) {
      var s = queue.submit(TaskRequest.builder()
          .command("-i in.mp4 out.mp4")
          .input("in.mp4", write(tmp.resolve("in.mp4")))
          .output("out.mp4")
          .build());
      assertThat(s.completion().join().outputUrl()).startsWith(tmp.resolve("ffmpeg-queue/outputs").toUri().toString());
      assertThat(runner.takeCommand().arguments()).contains("in.mp4", "out.mp4");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(seen).extracting(TaskEvent::type).contains(TaskEvent.Type.SUBMITTED, TaskEvent.Type.COMPLETED));
    }
  }

  @Test
  void the_submit_only_client_and_the_other_builders_build() throws Exception {
    InMemoryQueueBackend backend = InMemoryQueueBackend.create();
    // sample:client-builder
    FfmpegQueueClient client = FfmpegQueueClient.builder(backend)  // the backend the workers share
        .commandPolicy(CommandPolicy.strict())                    // every QueueOptions option, as above
        .build();
    // end-sample
    client.close();

    // sample:retry-policy
    RetryPolicy retries = RetryPolicy.builder()  // starts from RetryPolicy.defaults()
        .maxAttempts(3)                          // attempts in all, for requests that set none
        .initialBackoff(Duration.ofSeconds(1))
        .maxBackoff(Duration.ofMinutes(5))
        .multiplier(2.0)
        .jitter(0.2)
        .alsoRetry(ErrorKind.FFMPEG)             // default: none; retry these kinds even when not retryable
        .build();                                // RetryPolicy.none(): one attempt, never retried
    // end-sample
    assertThat(retries.maxAttempts()).isEqualTo(3);

    // sample:memory-backend
    InMemoryQueueBackend memory = InMemoryQueueBackend.builder()
        .capacity(10_000)                        // pending tasks; past it, submit fails with QUEUE_FULL
        .retentionAge(Duration.ofHours(24))      // final tasks are kept this long ...
        .retentionCount(100_000)                 // ... and at most this many
        .clock(InstantSource.system())
        .build();
    // end-sample
    memory.close();

    // sample:http-fetcher
    HttpInputFetcher http = HttpInputFetcher.builder()
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(Duration.ofSeconds(30))       // silence before and during the body
        .downloadTimeout(Duration.ofHours(1))      // one input's whole download, retries included
        .maxSize(10L << 30)                        // 10 GiB, from Content-Length and while streaming
        .maxRedirects(5)                           // each hop is checked like the first URL
        .maxAttempts(4)                            // tries per request without progress
        .retryBackoff(Duration.ofMillis(500), Duration.ofSeconds(10))
        .maxRetryAfter(Duration.ofSeconds(30))     // a longer Retry-After fails the fetch as retryable
        .partSize(16L << 20)                       // parallel ranged download: part size ...
        .parallelism(4)                            // ... parts at once ...
        .rangedAbove(64L << 20)                    // ... for inputs at least this large
        .allowHosts("")                            // INPUT_ALLOWED_HOSTS: names, *.domains, addresses, CIDRs
        .onlyAllowed(false)                        // true: only the allow-list, public or not
        .userAgent("ffmpeg-queue")
        // .dns(...)                               // default Dns.SYSTEM; .httpsOnly() refuses plain http
        .build();
    // end-sample
    http.close();

    // sample:s3
    S3Storage s3 = S3Storage.builder()
        .bucket("media-outputs")                        // required
        .prefix("ffmpeg-outputs")                       // keys: {prefix}/{task_id}/{name}
        .region("us-east-1")                            // default: the SDK's region chain
        .endpoint(URI.create("http://127.0.0.1:9000"))  // default: AWS; an endpoint turns path-style on
        .credentials("access-key-id", "secret-key")     // default: the SDK's credential chain
        .maxConnections(64)
        .partSize(8L << 20)                             // multipart: 8 MiB parts ...
        .multipartThreshold(16L << 20)                  // ... for outputs of 16 MiB or more
        .concurrency(8)                                 // parts in flight per upload
        .abortRetryWindow(Duration.ofMinutes(15))
        // .presignedUrls(Duration.ofHours(1))          // default: no download URL
        // .storageClass(..), .serverSideEncryption(..), .kmsKeyId(..), .contentType(ext, type),
        // .metadata(k, v), .pathStyleAccess(b), .apiCallAttemptTimeout(d), .client(c), .presigner(p)
        .build();
    S3InputFetcher s3Inputs = S3InputFetcher.builder()
        .client(s3.client())                            // or region/endpoint/credentials as above
        .allowBuckets("media-uploads")                  // required: allowBuckets(...) or allowAnyBucket()
        .partSize(16L << 20)                            // ranged GETs of 16 MiB ...
        .concurrency(4)                                 // ... 4 at once
        .maxSize(Long.MAX_VALUE)                        // default: no limit
        .build();
    // end-sample
    assertThat(s3Inputs.schemes()).containsExactly("s3");
    s3Inputs.close();
    s3.close();
  }

  /** Compiled, not run here: building the runner locates and starts ffmpeg (the ffmpeg tests do that). */
  static ProcessFfmpegRunner.Builder runnerWithEveryOption() {
    // sample:runner
    ProcessFfmpegRunner.Builder runner = ProcessFfmpegRunner.builder()
        .locator(FfmpegLocator.builder()          // default FfmpegLocator.defaults():
            // .ffmpeg(Path.of("/opt/ffmpeg/bin/ffmpeg"))  // FFMPEG_PATH, else PATH, else the bundled jar
            // .ffprobe(Path.of("/opt/ffmpeg/bin/ffprobe"))
            .environment(System.getenv())
            .bundled(true)                      // fall back to org.bytedeco:ffmpeg when on the class path
            .build())
        .sandbox(Sandbox.AUTO)                  // bubblewrap when it works here; REQUIRED; NONE
        // .bubblewrap(Path.of("/usr/bin/bwrap"))    // default: bwrap on the PATH
        // .sandboxReadOnly(Path.of("/opt/ffmpeg"))  // more folders ffmpeg may read in the sandbox
        // .environment("NAME", "value")            // ffmpeg's environment is otherwise empty
        .policy(CommandPolicy.strict())         // use the queue's: its input formats become -format_whitelist
        .quitGracePeriod(Duration.ofSeconds(5)) // after 'q', before SIGTERM
        .killGracePeriod(Duration.ofSeconds(2)) // after SIGTERM, before SIGKILL
        .stderrTailBytes(64 * 1024)             // stderr kept for the error message
        .outputDescription(OutputDescription.FFMPEG_REPORT); // or FFPROBE, NONE
    // FfmpegQueue.builder().runner(runner.build()) ...
    // end-sample
    return runner;
  }

  @Test
  void the_runner_sample_is_a_builder() {
    assertThat(runnerWithEveryOption()).isNotNull();
  }

  private static URI write(Path file) {
    try {
      java.nio.file.Files.writeString(file, "not really a video");
      return file.toUri();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
