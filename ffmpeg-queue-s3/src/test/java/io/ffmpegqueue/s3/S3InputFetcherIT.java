package io.ffmpegqueue.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.io.FetchProgress;
import io.ffmpegqueue.io.FetchRequest;
import io.ffmpegqueue.spi.StopReason;
import io.ffmpegqueue.testing.FakeTaskContext;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;

class S3InputFetcherIT {
  private static final String BUCKET = "inputs";

  @TempDir
  static Path sources;

  @TempDir
  Path workspace;

  @RegisterExtension
  static final S3ProxyServer.PerClass S3 = new S3ProxyServer.PerClass(BUCKET, "elsewhere");
  static String bigSha;

  @BeforeAll
  static void startS3() throws Exception {
    Path big = sources.resolve("big.mov");
    bigSha = TestFiles.write(big, (24L << 20) + 12345, 3);
    S3.admin().putObject(p -> p.bucket(BUCKET).key("uploads/big clip.mov"), RequestBody.fromFile(big));
    S3.admin().putObject(p -> p.bucket(BUCKET).key("empty.mp4"), RequestBody.empty());
    S3.admin().putObject(p -> p.bucket("elsewhere").key("x.mp4"), RequestBody.fromString("x"));
  }

  private S3InputFetcher.Builder fetcher() {
    return S3InputFetcher.builder().endpoint(S3.server().endpoint())
        .credentials(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY).allowBuckets(BUCKET);
  }

  private FetchRequest request(String uri, FakeTaskContext context) {
    return new FetchRequest("input.mov", URI.create(uri), workspace.resolve("input.mov"), context);
  }

  @Test
  void an_s3_input_arrives_intact_through_parallel_ranged_gets() throws Exception {
    RequestLog log = new RequestLog();
    try (GetRelay relay = new GetRelay(S3.server().endpoint());
        S3AsyncClient client = S3.server().hostClient(log, relay.endpoint());
        S3InputFetcher f = S3InputFetcher.builder().client(client).allowBuckets(BUCKET)
            .partSize(1 << 20).concurrency(4).build()) {
      f.fetch(request("s3://inputs/uploads/big%20clip.mov", new FakeTaskContext()));

      assertThat(TestFiles.sha256(workspace.resolve("input.mov"))).isEqualTo(bigSha);
      assertThat(log.count("HeadObject")).as("the size, through the SDK").isEqualTo(1);
      assertThat(log.count("GetObject")).as("the bytes, not through the SDK").isZero();
      assertThat(relay.gets()).as("one GET per MiB, after the first that learns the size").isEqualTo(1 + 25);
      assertThat(relay.maxOpenConnections()).as("the first GET's connection may still be closing").isBetween(2, 5);
      assertThat(workspace).isDirectoryContaining(p -> p.getFileName().toString().equals("input.mov"));
      try (var s = Files.list(workspace)) {
        assertThat(s).hasSize(1);
      }
    }
  }

  @Test
  void a_refused_get_names_the_s3_uri_and_never_shows_the_presigned_query() throws Exception {
    try (GetRelay relay = new GetRelay(S3.server().endpoint());
        S3InputFetcher f = fetcher().endpoint(relay.endpoint()).build()) {
      relay.answerGets("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      TaskFailureException e = catchThrowableOfType(TaskFailureException.class,
          () -> f.fetch(request("s3://inputs/uploads/big%20clip.mov", new FakeTaskContext())));

      assertThat(relay.getLines()).singleElement().asString().contains("X-Amz-Signature=", "X-Amz-Credential=");
      assertThat(e.kind()).isEqualTo(ErrorKind.INPUT);
      assertThat(e.getMessage()).startsWith("input 'input.mov' (s3://inputs/uploads/big clip.mov): HTTP 403 from "
          + relay.endpoint() + "/inputs/uploads/big%20clip.mov");
      assertThat(S3StorageIT.stackTrace(e)).doesNotContain("X-Amz-", "Signature=", S3ProxyServer.SECRET_KEY);
      try (var s = Files.list(workspace)) {
        assertThat(s).isEmpty();
      }
    }
  }

  @Test
  void a_redirect_from_the_endpoint_is_not_followed_even_to_the_same_host() throws Exception {
    try (GetRelay relay = new GetRelay(S3.server().endpoint());
        GetRelay elsewhere = new GetRelay(S3.server().endpoint());
        S3InputFetcher f = fetcher().endpoint(relay.endpoint()).build()) {
      relay.answerGets("HTTP/1.1 307 Temporary Redirect\r\nLocation: " + elsewhere.endpoint()
          + "/inputs/uploads/big%20clip.mov\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      TaskFailureException e = catchThrowableOfType(TaskFailureException.class,
          () -> f.fetch(request("s3://inputs/uploads/big%20clip.mov", new FakeTaskContext())));

      assertThat(e.getMessage()).contains("(s3://inputs/uploads/big clip.mov): HTTP 307 from ",
          "is a redirect, which this fetch does not follow");
      assertThat(e.retryable()).isFalse();
      assertThat(elsewhere.maxOpenConnections()).as("nothing reached the redirect's target").isZero();
    }
  }

  @Test
  void the_progress_hears_the_ranges_complete_in_order_up_to_the_whole_object() throws Exception {
    List<Long> reported = new CopyOnWriteArrayList<>();
    FetchProgress progress = new FetchProgress() {
      @Override
      public void written(Path file, long bytes) {
        reported.add(bytes);
      }

      @Override
      public void restarted() {
        reported.add(-1L);
      }
    };
    try (S3InputFetcher f = fetcher().partSize(1 << 20).concurrency(4).build()) {
      f.fetch(request("s3://inputs/uploads/big%20clip.mov", new FakeTaskContext()), progress);
    }
    long size = Files.size(workspace.resolve("input.mov"));
    assertThat(reported).isNotEmpty().allMatch(b -> b > 0 && b <= size && b % (1 << 20) == 0 || b == size);
    assertThat(reported.stream().mapToLong(Long::longValue).max().getAsLong()).isEqualTo(size);
  }

  @Test
  void an_empty_object_is_an_empty_input() throws Exception {
    try (S3InputFetcher f = fetcher().build()) {
      f.fetch(request("s3://inputs/empty.mp4", new FakeTaskContext()));

      assertThat(workspace.resolve("input.mov")).isEmptyFile();
    }
  }

  @Test
  void a_missing_object_fails_the_input_without_retry_and_leaves_no_file() throws Exception {
    try (S3InputFetcher f = fetcher().build()) {
      TaskFailureException e = catchThrowableOfType(TaskFailureException.class,
          () -> f.fetch(request("s3://inputs/nope.mp4", new FakeTaskContext())));

      assertThat(e.kind()).isEqualTo(ErrorKind.INPUT);
      assertThat(e.retryable()).isFalse();
      assertThat(e.getMessage()).contains("input 'input.mov'", "s3://inputs/nope.mp4", "does not exist");
      try (var s = Files.list(workspace)) {
        assertThat(s).isEmpty();
      }
    }
  }

  @Test
  void wrong_credentials_fail_the_input_clearly() throws Exception {
    try (S3InputFetcher f = fetcher().credentials(S3ProxyServer.ACCESS_KEY, "not-the-secret-77").build()) {
      TaskFailureException e = catchThrowableOfType(TaskFailureException.class,
          () -> f.fetch(request("s3://inputs/empty.mp4", new FakeTaskContext())));

      assertThat(e.kind()).isEqualTo(ErrorKind.INPUT);
      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage()).contains("403");
      assertThat(S3StorageIT.stackTrace(e)).doesNotContain("not-the-secret-77", S3ProxyServer.SECRET_KEY);
    }
  }

  @Test
  void a_stopped_task_stops_its_download_and_leaves_no_file() throws Exception {
    FakeTaskContext context = new FakeTaskContext();
    try (GetRelay relay = new GetRelay(S3.server().endpoint());
        S3InputFetcher f = fetcher().endpoint(relay.endpoint()).partSize(1 << 20).concurrency(2).build()) {
      relay.onGet(n -> {
        if (n == 3) {
          context.stop(StopReason.CANCELLED);
        }
      });
      TaskFailureException e = catchThrowableOfType(TaskFailureException.class,
          () -> f.fetch(request("s3://inputs/uploads/big%20clip.mov", context)));

      assertThat(e.getMessage()).contains("s3://inputs/uploads/big clip.mov", "stopped", "cancelled");
      assertThat(relay.gets()).isLessThan(1 + 25);
      try (var s = Files.list(workspace)) {
        assertThat(s).isEmpty();
      }
    }
  }

  @Test
  void only_allowed_buckets_and_well_formed_s3_uris_pass_validation() {
    try (S3InputFetcher f = fetcher().build()) {
      f.validate("in.mp4", URI.create("s3://inputs/a/b.mp4"));
      assertThatThrownBy(() -> f.validate("in.mp4", URI.create("s3://elsewhere/x.mp4")))
          .isInstanceOf(InvalidTaskException.class)
          .hasMessageContaining("'in.mp4'").hasMessageContaining("bucket 'elsewhere' is not one inputs may come from");
      for (String bad : new String[] {"s3://inputs", "s3://inputs/", "s3:///key", "s3://inputs/k?versionId=1",
          "s3://user@inputs/k", "s3://inputs:9000/k", "s3:inputs/k"}) {
        assertThatThrownBy(() -> f.validate("in.mp4", URI.create(bad)), bad).isInstanceOf(InvalidTaskException.class);
      }
      TaskFailureException e = catchThrowableOfType(TaskFailureException.class,
          () -> f.fetch(request("s3://elsewhere/x.mp4", new FakeTaskContext())));
      assertThat(e.retryable()).isFalse();
    }
  }

  @Test
  void any_bucket_may_be_allowed_explicitly_but_none_is_allowed_by_default() throws Exception {
    assertThatThrownBy(() -> S3InputFetcher.builder().endpoint(S3.server().endpoint()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("allowBuckets");
    try (S3InputFetcher f = fetcher().allowAnyBucket().build()) {
      f.fetch(request("s3://elsewhere/x.mp4", new FakeTaskContext()));
      assertThat(workspace.resolve("input.mov")).hasContent("x");
    }
  }
}
