package io.ffmpegqueue.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.TaskId;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;

class S3StorageBuilderTest {
  private static S3Storage.Builder local() {
    return S3Storage.builder().bucket("b-1").endpoint(URI.create("http://127.0.0.1:1"))
        .credentials("id", "secret-value-1");
  }

  @Test
  void keys_follow_the_guides_layout_under_the_prefix() {
    TaskId id = TaskId.random();
    try (S3Storage s = local().build()) {
      assertThat(s.uriOf(id, "out.mp4")).isEqualTo(URI.create("s3://b-1/ffmpeg-outputs/" + id.value() + "/out.mp4"));
    }
    try (S3Storage s = local().prefix("/a/b/").build()) {
      assertThat(s.uriOf(id, "out.mp4")).isEqualTo(URI.create("s3://b-1/a/b/" + id.value() + "/out.mp4"));
      assertThat(s.toString()).isEqualTo("S3Storage[s3://b-1/a/b]").doesNotContain("secret-value-1");
    }
  }

  @Test
  void a_built_client_asks_only_for_the_checksums_s3_compatible_stores_accept() {
    try (S3Storage s = local().build()) {
      var config = s.client().serviceClientConfiguration();
      assertThat(config.requestChecksumCalculation()).isEqualTo(RequestChecksumCalculation.WHEN_REQUIRED);
      assertThat(config.responseChecksumValidation()).isEqualTo(ResponseChecksumValidation.WHEN_REQUIRED);
      assertThat(config.region().id()).as("an endpoint needs no region").isEqualTo("us-east-1");
    }
  }

  @Test
  void a_bucket_is_required_and_checked() {
    assertThatThrownBy(() -> S3Storage.builder().build()).hasMessageContaining("bucket");
    assertThatThrownBy(() -> S3Storage.builder().bucket("x")).hasMessageContaining("not a valid bucket name");
  }

  @Test
  void sizes_lifetimes_and_prefixes_out_of_range_are_refused() {
    assertThatThrownBy(() -> local().partSize(1 << 20)).hasMessageContaining("partSize");
    assertThatThrownBy(() -> local().concurrency(0)).hasMessageContaining("concurrency");
    assertThatThrownBy(() -> local().multipartThreshold(0)).hasMessageContaining("multipartThreshold");
    assertThatThrownBy(() -> local().presignedUrls(Duration.ofDays(8))).hasMessageContaining("7 days");
    assertThatThrownBy(() -> local().prefix("a//b")).hasMessageContaining("prefix");
    assertThatThrownBy(() -> local().metadata("Task-Id", "x")).hasMessageContaining("metadata key");
    assertThatThrownBy(() -> local().endpoint(URI.create("ftp://h"))).hasMessageContaining("endpoint");
    assertThatThrownBy(() -> local().region("Mars 1")).hasMessageContaining("region");
  }

  @Test
  void a_name_that_is_not_a_bare_file_name_is_refused_before_any_request() {
    try (S3Storage s = local().build()) {
      assertThatThrownBy(() -> s.store(TaskId.random(), "../x.mp4", Path.of("x")))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
