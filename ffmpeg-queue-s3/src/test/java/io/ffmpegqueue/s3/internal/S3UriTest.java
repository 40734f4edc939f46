package io.ffmpegqueue.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class S3UriTest {
  @Test
  void a_key_with_slashes_and_spaces_round_trips_through_its_uri() {
    S3Uri u = S3Uri.parse(URI.create("s3://media/in/some%20clip.mov"));
    assertThat(u.bucket()).isEqualTo("media");
    assertThat(u.key()).isEqualTo("in/some clip.mov");
    assertThat(u.toUri()).isEqualTo(URI.create("s3://media/in/some%20clip.mov"));
    assertThat(S3Uri.parse(u.toUri())).isEqualTo(u);
  }

  @Test
  void malformed_s3_uris_are_refused_with_the_reason() {
    assertThatThrownBy(() -> S3Uri.parse(URI.create("https://media/x"))).hasMessageContaining("not an s3://");
    assertThatThrownBy(() -> S3Uri.parse(URI.create("s3://media"))).hasMessageContaining("no object key");
    assertThatThrownBy(() -> S3Uri.parse(URI.create("s3://media/x?versionId=2"))).hasMessageContaining("query");
    assertThatThrownBy(() -> S3Uri.parse(URI.create("s3:media/x"))).hasMessageContaining("s3://bucket/key");
    assertThatThrownBy(() -> S3Uri.parse(URI.create("s3://me/x"))).hasMessageContaining("bucket");
  }
}
