package io.ffmpegqueue.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectDownloaderTest {
  @Test
  void path_style_trusts_exactly_the_endpoints_scheme_host_and_port() {
    assertThat(ObjectDownloader.origins(URI.create("http://127.0.0.1:9000/gateway"), true, List.of("a", "b")))
        .containsExactly(URI.create("http://127.0.0.1:9000"));
    assertThat(ObjectDownloader.origins(URI.create("https://minio.internal"), true, List.of()))
        .containsExactly(URI.create("https://minio.internal"));
  }

  @Test
  void virtual_hosted_addressing_also_trusts_each_allowed_buckets_host_on_the_endpoint() {
    assertThat(ObjectDownloader.origins(URI.create("http://minio.internal:9000"), false, List.of("media", "in")))
        .containsExactly(URI.create("http://minio.internal:9000"), URI.create("http://media.minio.internal:9000"),
            URI.create("http://in.minio.internal:9000"));
  }

  @Test
  void aws_itself_needs_no_trust_its_addresses_are_public() {
    assertThat(ObjectDownloader.origins(null, false, List.of("media"))).isEmpty();
  }
}
