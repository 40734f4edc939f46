package io.ffmpegqueue.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.io.StoredObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

class S3StorageIT {
  private static final String BUCKET = "outputs";

  @TempDir
  Path files;

  @RegisterExtension
  static final S3ProxyServer.PerClass S3 = new S3ProxyServer.PerClass(BUCKET);

  private HeadObjectResponse head(URI uri) {
    String key = uri.getPath().substring(1);
    return S3.admin().headObject(h -> h.bucket(BUCKET).key(key));
  }

  @Test
  void a_small_output_goes_up_in_one_put_under_the_guides_key_with_its_type_and_task_id() throws Exception {
    TaskId id = TaskId.random();
    byte[] content = "a small output".getBytes(StandardCharsets.UTF_8);
    try (S3Storage storage = S3.server().storage(BUCKET).build()) {
      StoredObject o = storage.store(id, "thumb.jpg", Files.write(files.resolve("t.jpg"), content));

      assertThat(o.uri()).isEqualTo(URI.create("s3://outputs/ffmpeg-outputs/" + id.value() + "/thumb.jpg"));
      assertThat(o.size()).isEqualTo(content.length);
      assertThat(o.contentType()).isEqualTo("image/jpeg");
      assertThat(o.checksum()).isEqualTo("sha256:" + TestFiles.sha256(files.resolve("t.jpg")));
      assertThat(o.downloadUrl()).isNull();
      HeadObjectResponse h = head(o.uri());
      assertThat(h.contentType()).isEqualTo("image/jpeg");
      assertThat(h.metadata()).containsEntry("task-id", id.value());
      assertThat(h.eTag()).as("a single PUT has a plain MD5 ETag").doesNotContain("-");
      try (var in = storage.open(o.uri())) {
        assertThat(in.readAllBytes()).isEqualTo(content);
      }
    }
  }

  @Test
  void a_200_mb_output_goes_up_in_parallel_parts_and_reads_back_with_the_same_checksum() throws Exception {
    Path big = files.resolve("big.mp4");
    long size = 200L * 1000 * 1000;
    String sha = TestFiles.write(big, size, 42);
    RequestLog log = new RequestLog();
    TaskId id = TaskId.random();
    try (S3AsyncClient client = S3.server().hostClient(log);
        S3Storage storage = S3Storage.builder().client(client).bucket(BUCKET)
            .partSize(16 << 20).concurrency(4).build()) {
      StoredObject o = storage.store(id, "big.mp4", big);

      int parts = (int) ((size + (16 << 20) - 1) / (16 << 20));
      assertThat(o.size()).isEqualTo(size);
      assertThat(o.checksum()).isEqualTo("sha256:" + sha);
      assertThat(log.count("CreateMultipartUpload")).isEqualTo(1);
      assertThat(log.count("UploadPart")).isEqualTo(parts);
      assertThat(log.count("CompleteMultipartUpload")).isEqualTo(1);
      assertThat(log.count("PutObject")).isZero();
      assertThat(log.maxInFlight()).as("parts in flight at once").isBetween(2, 4);
      assertThat(head(o.uri()).eTag()).as("a multipart ETag counts its parts").endsWith("-" + parts + "\"");
      assertThat(TestFiles.sha256(storage.open(o.uri()))).isEqualTo(sha);
      assertThat(S3.admin().listMultipartUploads(l -> l.bucket(BUCKET)).uploads()).isEmpty();
    }
  }

  @Test
  void the_presigned_url_downloads_the_output_with_a_plain_http_client_until_tampered_with() throws Exception {
    byte[] content = "presigned content".getBytes(StandardCharsets.UTF_8);
    try (S3Storage storage = S3.server().storage(BUCKET).presignedUrls(Duration.ofMinutes(5)).build()) {
      StoredObject o = storage.store(TaskId.random(), "clip.mp4", Files.write(files.resolve("c"), content));

      URI url = o.downloadUrl();
      assertThat(url).isNotNull();
      assertThat(url.getScheme()).isEqualTo("http"); // https on AWS; the test server speaks http
      assertThat(url.getRawQuery()).contains("X-Amz-Expires=300").contains("X-Amz-Signature=")
          .doesNotContain(S3ProxyServer.SECRET_KEY);
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<byte[]> ok = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo(content);

      URI tampered = URI.create(url.toString().replace("clip.mp4", "clip.mp3"));
      HttpResponse<String> refused = http.send(HttpRequest.newBuilder(tampered).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).as("the server checks signatures").isEqualTo(403);
    }
  }

  @Test
  void a_wrong_secret_fails_the_store_clearly_without_retry_and_never_shows_the_secret() throws Exception {
    String wrongSecret = "wrong-secret-5e1f0a77";
    Path small = Files.write(files.resolve("s"), new byte[100]);
    Path large = Files.write(files.resolve("l"), new byte[20 << 20]);
    try (S3Storage storage = S3.server().storage(BUCKET).credentials(S3ProxyServer.ACCESS_KEY, wrongSecret).build()) {
      for (Path f : new Path[] {small, large}) {
        TaskFailureException e = catchThrowableOfType(TaskFailureException.class,
            () -> storage.store(TaskId.random(), "out.mp4", f));

        assertThat(e.kind()).isEqualTo(ErrorKind.STORAGE);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("output 'out.mp4'", "403", "SignatureDoesNotMatch",
            "AWS_SECRET_ACCESS_KEY");
        assertThat(stackTrace(e)).doesNotContain(wrongSecret, S3ProxyServer.SECRET_KEY);
      }
      assertThat(storage.toString()).doesNotContain(wrongSecret);
    }
  }

  @Test
  void an_unknown_access_key_fails_the_store_clearly() throws Exception {
    Path f = Files.write(files.resolve("s"), new byte[100]);
    try (S3Storage storage = S3.server().storage(BUCKET).credentials("no-such-key", "whatever-secret-1").build()) {
      TaskFailureException e = catchThrowableOfType(TaskFailureException.class,
          () -> storage.store(TaskId.random(), "out.mp4", f));

      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage()).contains("403", "InvalidAccessKeyId", "AWS_ACCESS_KEY_ID");
      assertThat(stackTrace(e)).doesNotContain("whatever-secret-1");
    }
  }

  @Test
  void a_missing_bucket_fails_the_store_with_a_message_naming_it() throws Exception {
    Path small = Files.write(files.resolve("s"), new byte[100]);
    Path large = Files.write(files.resolve("l"), new byte[20 << 20]);
    try (S3Storage storage = S3.server().storage("no-such-bucket").build()) {
      for (Path f : new Path[] {small, large}) {
        TaskFailureException e = catchThrowableOfType(TaskFailureException.class,
            () -> storage.store(TaskId.random(), "out.mp4", f));

        assertThat(e.kind()).isEqualTo(ErrorKind.STORAGE);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("bucket 'no-such-bucket' does not exist", "NoSuchBucket");
      }
    }
  }

  @Test
  void open_serves_only_this_storages_objects() throws Exception {
    S3.admin().putObject(p -> p.bucket(BUCKET).key("private/secret.txt"),
        software.amazon.awssdk.core.sync.RequestBody.fromString("not an output"));
    try (S3Storage storage = S3.server().storage(BUCKET).build()) {
      assertThatThrownBy(() -> storage.open(URI.create("s3://outputs/private/secret.txt")))
          .isInstanceOf(NoSuchFileException.class).hasMessageContaining("not in this storage");
      assertThatThrownBy(() -> storage.open(URI.create("s3://other-bucket/ffmpeg-outputs/x/y.mp4")))
          .isInstanceOf(NoSuchFileException.class);
      assertThatThrownBy(() -> storage.open(URI.create("s3://outputs/ffmpeg-outputs/none/y.mp4")))
          .isInstanceOf(NoSuchFileException.class);
    }
  }

  @Test
  void an_empty_prefix_stores_under_the_task_id_alone() throws Exception {
    TaskId id = TaskId.random();
    try (S3Storage storage = S3.server().storage(BUCKET).prefix("").build()) {
      StoredObject o = storage.store(id, "out.webm", Files.write(files.resolve("o"), new byte[] {1, 2}));

      assertThat(o.uri()).isEqualTo(URI.create("s3://outputs/" + id.value() + "/out.webm"));
      assertThat(o.contentType()).isEqualTo("video/webm");
      storage.delete(id);
      assertThat(S3.admin().listObjectsV2(l -> l.bucket(BUCKET).prefix(id.value())).contents()).isEmpty();
    }
  }

  @Test
  void a_part_that_fails_once_is_sent_again_alone_and_the_upload_completes() throws Exception {
    Path file = files.resolve("retry.mp4");
    String sha = TestFiles.write(file, 30L << 20, 5);
    RequestLog log = new RequestLog();
    // S3 answers 500 to the first attempt of part 2 only.
    log.failAttempts((r, attempt) -> RequestLog.key(r).equals("UploadPart#2") && attempt == 1);
    try (S3AsyncClient client = S3.server().hostClient(log);
        S3Storage storage = S3Storage.builder().client(client).bucket(BUCKET).partSize(5 << 20).build()) {
      StoredObject o = storage.store(TaskId.random(), "retry.mp4", file);

      assertThat(log.attempts("UploadPart#2")).isEqualTo(2);
      for (int part : new int[] {1, 3, 4, 5, 6}) {
        assertThat(log.attempts("UploadPart#" + part)).as("part " + part).isEqualTo(1);
      }
      assertThat(log.count("CreateMultipartUpload")).isEqualTo(1);
      assertThat(TestFiles.sha256(storage.open(o.uri()))).isEqualTo(sha);
    }
  }

  @Test
  void storage_class_type_and_metadata_are_sent_with_single_and_multipart_uploads() throws Exception {
    RequestLog log = new RequestLog();
    try (S3AsyncClient client = S3.server().hostClient(log);
        S3Storage storage = S3Storage.builder().client(client).bucket(BUCKET)
            .storageClass(StorageClass.STANDARD_IA).metadata("tenant", "acme").contentType("mkv", "video/matroska")
            .partSize(5 << 20).multipartThreshold(5 << 20).build()) {
      TaskId id = TaskId.random();
      storage.store(id, "small.mkv", Files.write(files.resolve("s"), new byte[10]));
      storage.store(id, "large.mkv", Files.write(files.resolve("l"), new byte[6 << 20]));

      List<SdkHttpRequest> starts = objectStarts(log);
      assertThat(starts).hasSize(2);
      for (SdkHttpRequest r : starts) {
        assertThat(r.firstMatchingHeader("x-amz-storage-class")).contains("STANDARD_IA");
        assertThat(r.firstMatchingHeader("x-amz-meta-tenant")).contains("acme");
        assertThat(r.firstMatchingHeader("x-amz-meta-task-id")).contains(id.value());
        assertThat(r.firstMatchingHeader("Content-Type")).contains("video/matroska");
      }
      for (String name : new String[] {"small.mkv", "large.mkv"}) {
        HeadObjectResponse h = head(storage.uriOf(id, name));
        assertThat(h.metadata()).containsEntry("tenant", "acme").containsEntry("task-id", id.value());
        assertThat(h.contentType()).isEqualTo("video/matroska");
      }
    }
  }

  @Test
  void server_side_encryption_is_requested_and_a_store_without_it_says_so_plainly() throws Exception {
    RequestLog log = new RequestLog();
    try (S3AsyncClient client = S3.server().hostClient(log);
        S3Storage storage = S3Storage.builder().client(client).bucket(BUCKET)
            .serverSideEncryption(ServerSideEncryption.AES256).build()) {
      TaskFailureException e = catchThrowableOfType(TaskFailureException.class,
          () -> storage.store(TaskId.random(), "enc.mp4", Files.write(files.resolve("e"), new byte[10])));

      assertThat(objectStarts(log)).isNotEmpty().allSatisfy(r ->
          assertThat(r.firstMatchingHeader("x-amz-server-side-encryption")).contains("AES256"));
      // S3Proxy's folder store has no encryption: the error passes on what the server said, for good.
      assertThat(e.getMessage()).contains("501 NotImplemented", "Server-side encryption is not supported");
      assertThat(e.retryable()).isFalse();
    }
  }

  /** The requests that start an object: single PUTs and multipart starts (not parts). */
  private static List<SdkHttpRequest> objectStarts(RequestLog log) {
    return log.sent().stream()
        .filter(r -> r.method() == SdkHttpMethod.PUT && !r.rawQueryParameters().containsKey("partNumber")
            || r.method() == SdkHttpMethod.POST && r.rawQueryParameters().containsKey("uploads"))
        .toList();
  }

  @Test
  void a_host_client_gets_presigned_urls_signed_like_its_requests() throws Exception {
    byte[] content = "via host client".getBytes(StandardCharsets.UTF_8);
    try (S3AsyncClient client = S3.server().hostClient(new RequestLog());
        S3Storage storage = S3Storage.builder().client(client).bucket(BUCKET)
            .presignedUrls(Duration.ofSeconds(90)).build()) {
      StoredObject o = storage.store(TaskId.random(), "h.mp4", Files.write(files.resolve("h"), content));

      HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(o.downloadUrl()).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(content);
      assertThat(o.downloadUrl().getRawQuery()).contains("X-Amz-Expires=90");
    }
  }

  static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w + " " + t;
  }
}
