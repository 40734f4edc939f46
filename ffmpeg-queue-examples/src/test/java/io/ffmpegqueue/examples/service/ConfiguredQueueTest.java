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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfiguredQueueTest {
  private static final String SECRET = "s3cr3t-never-shown";

  @TempDir
  Path tmp;

  private ServiceConfig config(Map<String, String> vars) {
    Map<String, String> env = new HashMap<>(Map.of("OUTPUT_DIR", tmp.resolve("outputs").toString()));
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

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"OUTPUT_DIR", "WORK_DIR", "INPUT_ALLOWED_DIRS"})
  void a_folder_the_service_cannot_use_stops_start_up_naming_its_variable(String variable, @TempDir Path tmp)
      throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "not a folder");
    Map<String, String> vars = new HashMap<>(Map.of("OUTPUT_DIR", tmp.resolve("out").toString()));
    vars.put(variable, file.resolve("below").toString()); // a folder can be neither made nor found under a file
    ServiceConfig c = config(vars);
    assertThatThrownBy(() -> ConfiguredQueue.open(c, new ProcessLoad(1, 0), b -> b.handler(ctx -> List.of())).close())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.variable()).isEqualTo(variable))
        .hasMessageContaining(file.resolve("below").toString());
  }

  @Test
  void a_worker_process_sizes_its_database_pool_for_its_workers_and_the_api_for_its_requests_too() {
    ServiceConfig c = config(Map.of("QUEUE_BACKEND", "postgres", "DATABASE_URL", "postgresql://u:p@127.0.0.1:5432/db",
        "NUM_WORKERS", "1"));
    // The worker with --num-workers 1: one connection for its worker, four for the queue's own threads.
    assertThat(Backends.Postgres.poolConfig(c, ProcessLoad.worker(c)).getMaximumPoolSize()).isEqualTo(5);
    // The API with the default 16 request threads also has one per two of them.
    assertThat(Backends.Postgres.poolConfig(c, ProcessLoad.server(c)).getMaximumPoolSize()).isEqualTo(1 + 4 + 8);
    ServiceConfig apiOnly = config(Map.of("NUM_WORKERS", "0", "HTTP_THREADS", "4"));
    assertThat(ProcessLoad.server(apiOnly).databaseConnections()).isEqualTo(4 + 2);
  }

  @Test
  void the_postgres_backend_needs_a_database_url() {
    ServiceConfig c = config(Map.of("QUEUE_BACKEND", "postgres"));
    assertThatThrownBy(() -> Backends.forName("postgres").create(c, ProcessLoad.server(c)))
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
