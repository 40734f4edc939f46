package io.ffmpegqueue.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.io.StoredObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** No multipart upload outlives a failed, interrupted or superseded store. */
class S3UploadAbortIT {
  private static final String BUCKET = "outputs";

  @TempDir
  Path serverDir;

  @TempDir
  Path files;

  S3ProxyServer s3;

  @BeforeEach
  void startS3() throws Exception {
    s3 = S3ProxyServer.start(serverDir);
    try (S3Client admin = s3.adminClient()) {
      admin.createBucket(b -> b.bucket(BUCKET));
    }
  }

  @AfterEach
  void stopS3() {
    s3.close();
  }

  private java.util.List<MultipartUpload> uploadsLeft() {
    try (S3Client admin = s3.adminClient()) {
      return admin.listMultipartUploads(l -> l.bucket(BUCKET)).uploads();
    }
  }

  @Test
  void s3_going_away_mid_upload_fails_the_store_as_retryable_and_the_upload_is_aborted_once_it_is_back()
      throws Exception {
    Path file = files.resolve("out.mp4");
    TestFiles.write(file, 60L << 20, 7);
    RequestLog log = new RequestLog();
    AtomicBoolean stopped = new AtomicBoolean();
    // The server goes away as the third part starts: parts 1 and 2 are in flight or stored by then.
    log.onRequest(r -> {
      if (r instanceof UploadPartRequest p && p.partNumber() == 3 && stopped.compareAndSet(false, true)) {
        s3.stop();
      }
    });
    try (S3AsyncClient client = s3.hostClient(log);
        S3Storage storage = S3Storage.builder().client(client).bucket(BUCKET)
            .partSize(5 << 20).concurrency(2).build()) {
      TaskFailureException e = catchThrowableOfType(TaskFailureException.class,
          () -> storage.store(TaskId.random(), "out.mp4", file));

      assertThat(stopped).isTrue();
      assertThat(e.kind()).isEqualTo(ErrorKind.STORAGE);
      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage()).contains("output 'out.mp4'", "cannot reach S3");
      assertThat(log.count("UploadPart")).as("no part is started once one failed").isLessThanOrEqualTo(4);
      assertThat(storage.pendingAborts()).as("the abort could not reach S3 either").isEqualTo(1);

      s3.restart();
      await().atMost(Duration.ofSeconds(30)).until(() -> storage.pendingAborts() == 0);
      assertThat(uploadsLeft()).isEmpty();
    }
  }

  @Test
  void an_interrupted_store_aborts_its_upload() throws Exception {
    Path file = files.resolve("out.mp4");
    TestFiles.write(file, 40L << 20, 8);
    RequestLog log = new RequestLog();
    log.onRequest(r -> {
      if (r instanceof UploadPartRequest p && p.partNumber() == 3) {
        Thread.currentThread().interrupt(); // as the queue does to a worker it stops
      }
    });
    try (S3AsyncClient client = s3.hostClient(log);
        S3Storage storage = S3Storage.builder().client(client).bucket(BUCKET)
            .partSize(5 << 20).concurrency(2).build()) {
      TaskFailureException e = catchThrowableOfType(TaskFailureException.class,
          () -> storage.store(TaskId.random(), "out.mp4", file));
      boolean interrupted = Thread.interrupted();

      assertThat(e.getMessage()).contains("interrupted");
      assertThat(interrupted).as("the interrupt is kept for the caller").isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> storage.pendingAborts() == 0);
      assertThat(uploadsLeft()).isEmpty();
    }
  }

  @Test
  void a_retry_aborts_the_upload_a_dead_attempt_left_behind() throws Exception {
    TaskId id = TaskId.random();
    String key = "ffmpeg-outputs/" + id.value() + "/out.mp4";
    try (S3Client admin = s3.adminClient()) {
      String uploadId = admin.createMultipartUpload(c -> c.bucket(BUCKET).key(key)).uploadId();
      admin.uploadPart(u -> u.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(1),
          RequestBody.fromBytes(new byte[5 << 20]));
    }
    Path file = files.resolve("out.mp4");
    String sha = TestFiles.write(file, 12L << 20, 9);
    try (S3Storage storage = s3.storage(BUCKET).partSize(5 << 20).multipartThreshold(5 << 20).build()) {
      StoredObject o = storage.store(id, "out.mp4", file);

      assertThat(o.checksum()).isEqualTo("sha256:" + sha);
      assertThat(uploadsLeft()).isEmpty();
    }
  }

  @Test
  void deleting_a_tasks_outputs_aborts_its_unfinished_uploads() throws Exception {
    TaskId id = TaskId.random();
    String key = "ffmpeg-outputs/" + id.value() + "/late.mp4";
    try (S3Client admin = s3.adminClient()) {
      admin.createMultipartUpload(c -> c.bucket(BUCKET).key(key));
      admin.createMultipartUpload(c -> c.bucket(BUCKET).key("ffmpeg-outputs/other-task/late.mp4"));
    }
    try (S3Storage storage = s3.storage(BUCKET).build()) {
      storage.store(id, "out.mp4", Files.write(files.resolve("o"), new byte[] {1}));
      storage.delete(id);

      assertThat(uploadsLeft()).extracting(MultipartUpload::key).containsExactly("ffmpeg-outputs/other-task/late.mp4");
    }
  }
}
