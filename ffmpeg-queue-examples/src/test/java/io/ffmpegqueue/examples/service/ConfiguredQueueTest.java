package io.ffmpegqueue.examples.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.examples.config.ConfigException;
import io.ffmpegqueue.examples.config.ServiceConfig;
import io.ffmpegqueue.io.HttpInputFetcher;
import io.ffmpegqueue.io.InputFetcher;
import io.ffmpegqueue.io.LocalStorage;
import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.s3.S3InputFetcher;
import io.ffmpegqueue.s3.S3Storage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfiguredQueueTest {
  private static final String SECRET = "s3cr3t-never-shown";

  private static ServiceConfig config(Map<String, String> vars) {
    Map<String, String> env = new HashMap<>(Map.of("OUTPUT_DIR", System.getProperty("java.io.tmpdir") + "/ffq-cq-test"));
    env.putAll(vars);
    return ServiceConfig.from(env);
  }

  @Test
  void without_a_bucket_outputs_go_to_the_local_folder_and_inputs_come_over_http() {
    ServiceConfig c = config(Map.of());
    assertThat(ConfiguredQueue.storage(c)).isInstanceOf(LocalStorage.class);
    List<InputFetcher> fetchers = ConfiguredQueue.fetchers(c);
    assertThat(fetchers).hasAtLeastOneElementOfType(HttpInputFetcher.class);
    assertThat(fetchers).noneMatch(f -> f instanceof S3InputFetcher);
  }

  @Test
  void the_guides_s3_variables_give_s3_storage_and_s3_inputs_without_showing_the_secret() throws Exception {
    ServiceConfig c = config(Map.of("S3_BUCKET", "media", "S3_ENDPOINT", "http://127.0.0.1:9000",
        "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", SECRET, "AWS_REGION", "us-east-1",
        "S3_PREFIX", "renders"));
    Storage s = ConfiguredQueue.storage(c);
    try {
      assertThat(s).isInstanceOf(S3Storage.class);
      assertThat(s.toString()).contains("media").doesNotContain(SECRET);
    } finally {
      ((S3Storage) s).close();
    }
    List<InputFetcher> fetchers = ConfiguredQueue.fetchers(c);
    assertThat(fetchers).hasAtLeastOneElementOfType(S3InputFetcher.class);
    for (InputFetcher f : fetchers) {
      if (f instanceof AutoCloseable a) {
        a.close();
      }
    }
  }

  @Test
  void an_invalid_s3_endpoint_stops_start_up_naming_the_variable() {
    ServiceConfig c;
    try {
      c = config(Map.of("S3_BUCKET", "media", "S3_ENDPOINT", "not a url"));
    } catch (ConfigException e) {
      assertThat(e.variable()).isEqualTo("S3_ENDPOINT");
      return; // the service's own check caught it first
    }
    ServiceConfig config = c;
    assertThatThrownBy(() -> ConfiguredQueue.storage(config))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.variable()).isEqualTo("S3_ENDPOINT"));
  }

  @Test
  void the_postgres_backend_needs_a_database_url() {
    ServiceConfig c = config(Map.of("QUEUE_BACKEND", "postgres"));
    assertThatThrownBy(() -> Backends.forName("postgres").create(c))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DATABASE_URL"));
    assertThat(Backends.forName("postgres").shared()).isTrue();
    assertThat(Backends.forName("memory").shared()).isFalse();
  }

  @Test
  void the_amqp_variables_give_the_broker_settings_and_a_bad_one_is_named_without_the_password() {
    assertThat(ConfiguredQueue.amqpSettings(config(Map.of()))).isNull();
    var amqp = ConfiguredQueue.amqpSettings(config(Map.of("AMQP_URL", "amqp://u:" + SECRET + "@rabbit:5672/%2F",
        "AMQP_CELERY_QUEUE", "video", "AMQP_PREFETCH", "16")));
    assertThat(amqp.celeryQueue()).isEqualTo("video");
    assertThat(amqp.prefetch()).isEqualTo(16);
    assertThat(amqp.registerQueue()).isEqualTo("ffmpeg.register");
    assertThat(amqp.toString()).doesNotContain(SECRET);
    assertThatThrownBy(() -> ConfiguredQueue.amqpSettings(config(Map.of("AMQP_URL", "redis://u:" + SECRET + "@r"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("AMQP_URL")
        .hasMessageContaining("must start with amqp:// or amqps://")
        .hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> ConfiguredQueue.amqpSettings(config(Map.of("AMQP_URL", "amqp://r", "AMQP_PREFETCH", "0"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("AMQP_PREFETCH");
  }
}
