package io.ffmpegqueue.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3SettingsTest {
  private static final String SECRET = "s3cr3t/Value+With=Chars";

  private static Map<String, String> env(String... pairs) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  @Test
  void without_a_bucket_there_is_no_s3_configuration() {
    assertThat(S3Settings.fromEnv(Map.of())).isEmpty();
    assertThat(S3Settings.fromEnv(env("S3_BUCKET", "  ", "AWS_REGION", "eu-west-1"))).isEmpty();
  }

  @Test
  void the_guides_variables_configure_bucket_region_endpoint_prefix_and_credentials() {
    S3Settings s = S3Settings.fromEnv(env("S3_BUCKET", "my-bucket", "AWS_REGION", "eu-west-1",
        "S3_ENDPOINT", "http://127.0.0.1:9000", "S3_PREFIX", "/renders/out/",
        "AWS_ACCESS_KEY_ID", "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY", SECRET)).orElseThrow();

    assertThat(s.bucket()).isEqualTo("my-bucket");
    assertThat(s.region()).isEqualTo("eu-west-1");
    assertThat(s.endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    assertThat(s.prefix()).isEqualTo("renders/out");
    assertThat(s.hasStaticCredentials()).isTrue();
  }

  @Test
  void unset_variables_take_the_defaults() {
    S3Settings s = S3Settings.fromEnv(env("S3_BUCKET", "my-bucket", "S3_ENDPOINT", "")).orElseThrow();

    assertThat(s.prefix()).isEqualTo("ffmpeg-outputs");
    assertThat(s.region()).isNull();
    assertThat(s.endpoint()).isNull();
    assertThat(s.hasStaticCredentials()).isFalse();
  }

  @Test
  void an_empty_prefix_means_none() {
    assertThat(S3Settings.fromEnv(env("S3_BUCKET", "b-1", "S3_PREFIX", "")).orElseThrow().prefix()).isEmpty();
  }

  @Test
  void each_invalid_value_is_refused_with_the_name_of_its_variable() {
    assertThatThrownBy(() -> S3Settings.fromEnv(env("S3_BUCKET", "a")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("S3_BUCKET");
    assertThatThrownBy(() -> S3Settings.fromEnv(env("S3_BUCKET", "Bad Bucket!")))
        .hasMessageStartingWith("S3_BUCKET");
    assertThatThrownBy(() -> S3Settings.fromEnv(env("S3_BUCKET", "ok-bucket", "AWS_REGION", "US East 1")))
        .hasMessageStartingWith("AWS_REGION");
    assertThatThrownBy(() -> S3Settings.fromEnv(env("S3_BUCKET", "ok-bucket", "S3_ENDPOINT", "localhost:9000")))
        .hasMessageStartingWith("S3_ENDPOINT");
    assertThatThrownBy(() -> S3Settings.fromEnv(env("S3_BUCKET", "ok-bucket", "S3_ENDPOINT", "ftp://host/")))
        .hasMessageStartingWith("S3_ENDPOINT");
    assertThatThrownBy(() -> S3Settings.fromEnv(env("S3_BUCKET", "ok-bucket", "S3_ENDPOINT", "http://bad host")))
        .hasMessageStartingWith("S3_ENDPOINT");
    assertThatThrownBy(() -> S3Settings.fromEnv(env("S3_BUCKET", "ok-bucket", "S3_PREFIX", "a/../b")))
        .hasMessageStartingWith("S3_PREFIX");
    assertThatThrownBy(() -> S3Settings.fromEnv(env("S3_BUCKET", "ok-bucket", "AWS_ACCESS_KEY_ID", "AKIA")))
        .hasMessageStartingWith("AWS_SECRET_ACCESS_KEY");
    assertThatThrownBy(() -> S3Settings.fromEnv(env("S3_BUCKET", "ok-bucket", "AWS_SECRET_ACCESS_KEY", SECRET)))
        .hasMessageStartingWith("AWS_ACCESS_KEY_ID");
  }

  @Test
  void the_secret_never_appears_in_the_settings_or_in_an_error() {
    S3Settings s = S3Settings.fromEnv(env("S3_BUCKET", "my-bucket", "AWS_ACCESS_KEY_ID", "AKIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY", SECRET)).orElseThrow();
    assertThat(s.toString()).doesNotContain(SECRET).contains("my-bucket");

    Throwable e = catchThrowable(() -> S3Settings.fromEnv(env("S3_BUCKET", "my-bucket",
        "AWS_ACCESS_KEY_ID", "has space", "AWS_SECRET_ACCESS_KEY", SECRET)));
    assertThat(e).hasMessageStartingWith("AWS_ACCESS_KEY_ID");
    assertThat(e.getMessage()).doesNotContain(SECRET);
    Throwable u = catchThrowable(() -> S3Settings.fromEnv(env("S3_BUCKET", "my-bucket",
        "S3_ENDPOINT", "http://key:" + SECRET + "@host:9000")));
    assertThat(u).hasMessageStartingWith("S3_ENDPOINT");
    assertThat(u.getMessage()).doesNotContain(SECRET);
  }

  @Test
  void the_builders_carry_the_settings() {
    S3Settings s = S3Settings.fromEnv(env("S3_BUCKET", "my-bucket", "S3_PREFIX", "p", "AWS_REGION", "eu-west-1",
        "S3_ENDPOINT", "http://127.0.0.1:1")).orElseThrow();
    try (S3Storage storage = s.storageBuilder().build(); S3InputFetcher fetcher = s.inputFetcherBuilder().build()) {
      assertThat(storage.bucket()).isEqualTo("my-bucket");
      assertThat(storage.prefix()).isEqualTo("p");
      assertThat(storage.client().serviceClientConfiguration().region().id()).isEqualTo("eu-west-1");
      assertThat(storage.client().serviceClientConfiguration().endpointOverride()).contains(URI.create("http://127.0.0.1:1"));
      assertThat(fetcher.toString()).contains("my-bucket");
    }
  }
}
