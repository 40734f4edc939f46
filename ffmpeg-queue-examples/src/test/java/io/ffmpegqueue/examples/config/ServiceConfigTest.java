package io.ffmpegqueue.examples.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceConfigTest {
  @Test
  void an_empty_environment_gives_the_embedded_defaults() {
    ServiceConfig c = ServiceConfig.from(Map.of());
    assertThat(c.port()).isEqualTo(8000);
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.hostSet()).isFalse();
    assertThat(c.sandbox()).isEqualTo(io.ffmpegqueue.ffmpeg.Sandbox.AUTO);
    assertThat(c.numWorkers()).isEqualTo(2);
    assertThat(c.queueBackend()).isEqualTo("memory");
    assertThat(c.maxQueue()).isEqualTo(10_000);
    assertThat(c.taskTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(c.outputDir()).isEqualTo(Path.of("./ffmpeg-outputs"));
    assertThat(c.workDir()).isNull();
    assertThat(c.s3()).isNull();
    assertThat(c.inputAllowedHosts()).isEmpty();
    assertThat(c.inputAllowedDirs()).isEmpty();
    assertThat(c.apiToken()).isNull();
    assertThat(c.logLevel()).isEqualTo("info");
    assertThat(c.httpThreads()).isEqualTo(16);
    assertThat(c.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.variable("DATABASE_URL")).isNull();
    assertThat(c.variable("S3_PREFIX")).isEqualTo("ffmpeg-outputs");
  }

  @Test
  void without_a_token_the_api_listens_on_loopback_only_unless_host_is_set() {
    assertThat(ServiceConfig.from(Map.of("API_TOKEN", "0123456789abcdef-token")).host()).isEqualTo("0.0.0.0");
    assertThat(ServiceConfig.from(Map.of("API_TOKENS", "acme:0123456789abcdef-token")).host()).isEqualTo("0.0.0.0");
    ServiceConfig open = ServiceConfig.from(Map.of("HOST", "0.0.0.0"));
    assertThat(open.host()).isEqualTo("0.0.0.0");
    assertThat(open.hostSet()).isTrue();
    assertThat(open.apiToken()).isNull();
  }

  @Test
  void sandbox_takes_required_auto_or_none_in_any_case() {
    assertThat(ServiceConfig.from(Map.of("SANDBOX", "REQUIRED")).sandbox()).isEqualTo(io.ffmpegqueue.ffmpeg.Sandbox.REQUIRED);
    assertThat(ServiceConfig.from(Map.of("SANDBOX", "none")).sandbox()).isEqualTo(io.ffmpegqueue.ffmpeg.Sandbox.NONE);
  }

  @Test
  void empty_values_take_the_default_as_docker_compose_passes_unset_variables() {
    ServiceConfig c = ServiceConfig.from(Map.of("PORT", "", "NUM_WORKERS", "  ", "S3_BUCKET", ""));
    assertThat(c.port()).isEqualTo(8000);
    assertThat(c.numWorkers()).isEqualTo(2);
    assertThat(c.s3()).isNull();
  }

  @Test
  void every_variable_is_read() {
    ServiceConfig c = ServiceConfig.from(Map.ofEntries(
        Map.entry("PORT", "9000"), Map.entry("HOST", "127.0.0.1"), Map.entry("NUM_WORKERS", "0"),
        Map.entry("QUEUE_BACKEND", "Memory"), Map.entry("MAX_QUEUE", "50"), Map.entry("TASK_TIMEOUT", "15m"),
        Map.entry("OUTPUT_DIR", "/data/out"), Map.entry("WORK_DIR", "/data/work"),
        Map.entry("S3_BUCKET", "my-bucket"), Map.entry("S3_ENDPOINT", "http://127.0.0.1:9000"),
        Map.entry("S3_PREFIX", "/videos/"), Map.entry("AWS_ACCESS_KEY_ID", "AKIA1"),
        Map.entry("AWS_SECRET_ACCESS_KEY", "very-secret"), Map.entry("AWS_REGION", "eu-west-1"),
        Map.entry("INPUT_ALLOWED_HOSTS", "media.internal, 10.0.0.0/8,[::1]"),
        Map.entry("INPUT_ALLOWED_DIRS", "/srv/media,/srv/more"), Map.entry("API_TOKEN", "0123456789abcdef0123"),
        Map.entry("LOG_LEVEL", "WARNING"), Map.entry("HTTP_THREADS", "8"), Map.entry("DRAIN_TIMEOUT", "0"),
        Map.entry("DATABASE_URL", "postgresql://db/ffq")));
    assertThat(c.port()).isEqualTo(9000);
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.numWorkers()).isZero();
    assertThat(c.queueBackend()).isEqualTo("memory");
    assertThat(c.maxQueue()).isEqualTo(50);
    assertThat(c.taskTimeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(c.outputDir()).isEqualTo(Path.of("/data/out"));
    assertThat(c.workDir()).isEqualTo(Path.of("/data/work"));
    assertThat(c.s3().bucket()).isEqualTo("my-bucket");
    assertThat(c.s3().endpoint()).hasToString("http://127.0.0.1:9000");
    assertThat(c.s3().prefix()).isEqualTo("videos");
    assertThat(c.s3().region()).isEqualTo("eu-west-1");
    assertThat(c.s3().accessKeyId()).isEqualTo("AKIA1");
    assertThat(c.s3().secretAccessKey()).isEqualTo("very-secret");
    assertThat(c.inputAllowedHosts()).containsExactly("media.internal", "10.0.0.0/8", "[::1]");
    assertThat(c.inputAllowedDirs()).containsExactly(Path.of("/srv/media"), Path.of("/srv/more"));
    assertThat(c.apiToken()).isEqualTo("0123456789abcdef0123");
    assertThat(c.logLevel()).isEqualTo("warn");
    assertThat(c.httpThreads()).isEqualTo(8);
    assertThat(c.drainTimeout()).isZero();
    assertThat(c.variable("DATABASE_URL")).isEqualTo("postgresql://db/ffq");
  }

  @ParameterizedTest(name = "{0}={1} stops start-up")
  @CsvSource(delimiter = '|', value = {
      "PORT|abc|whole number",
      "PORT|70000|from 0 to 65535",
      "PORT|-1|from 0 to 65535",
      "NUM_WORKERS|two|whole number",
      "NUM_WORKERS|-1|from 0 to 1024",
      "NUM_WORKERS|5000|from 0 to 1024",
      "MAX_QUEUE|0|from 1",
      "TASK_TIMEOUT|0|positive duration",
      "TASK_TIMEOUT|soon|duration",
      "TASK_TIMEOUT|-5|duration",
      "TASK_TIMEOUT|PTx|duration",
      "DRAIN_TIMEOUT|1y|duration",
      "LOG_LEVEL|loud|trace, debug, info, warn, error",
      "SANDBOX|maybe|one of auto, required, none",
      "HTTP_THREADS|0|from 1",
      "QUEUE_BACKEND|my backend|not a backend name",
      "S3_BUCKET|My_Bucket|valid bucket name",
      "S3_ENDPOINT|ftp://s3.local|http:// or https://",
      "INPUT_ALLOWED_HOSTS|good.host, bad host|not a host name",
      "API_TOKEN|short|at least 16",
  })
  void an_invalid_value_stops_start_up_with_a_message_naming_the_variable(String name, String value, String expected) {
    assertThatThrownBy(() -> ServiceConfig.from(Map.of(name, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(name + ": ")
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(((ConfigException) e).variable()).isEqualTo(name));
  }

  @Test
  void half_a_credential_pair_is_refused_naming_the_missing_half() {
    assertThatThrownBy(() -> ServiceConfig.from(Map.of("AWS_ACCESS_KEY_ID", "AKIA1")))
        .hasMessageStartingWith("AWS_SECRET_ACCESS_KEY: ").hasMessageContaining("must be set together");
    assertThatThrownBy(() -> ServiceConfig.from(Map.of("AWS_SECRET_ACCESS_KEY", "s")))
        .hasMessageStartingWith("AWS_ACCESS_KEY_ID: ");
  }

  @Test
  void secrets_are_never_repeated_in_errors_or_in_the_printed_configuration() {
    assertThatThrownBy(() -> ServiceConfig.from(Map.of("API_TOKEN", "has space inside it!")))
        .hasMessageNotContaining("has space");
    assertThatThrownBy(() -> ServiceConfig.from(Map.of("AWS_SECRET_ACCESS_KEY", "s3cr3t-value")))
        .hasMessageNotContaining("s3cr3t-value");
    ServiceConfig c = ServiceConfig.from(Map.of("API_TOKEN", "0123456789abcdef-token", "S3_BUCKET", "bucket",
        "AWS_ACCESS_KEY_ID", "AKIA1", "AWS_SECRET_ACCESS_KEY", "s3cr3t-value", "DATABASE_URL", "postgresql://u:pw@db/x"));
    assertThat(c.toString()).doesNotContain("0123456789abcdef-token").doesNotContain("s3cr3t-value")
        .doesNotContain("pw@db").contains("API_TOKEN=***").contains("S3_BUCKET=bucket");
    assertThat(c.s3().toString()).doesNotContain("s3cr3t-value");
  }

  @Test
  void the_environment_wins_over_the_dot_env_file(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve(".env"), "NUM_WORKERS=7\nMAX_QUEUE=123\n");
    ServiceConfig c = ServiceConfig.load(dir, Map.of("NUM_WORKERS", "3"));
    assertThat(c.numWorkers()).isEqualTo(3);
    assertThat(c.maxQueue()).isEqualTo(123);
  }

  @Test
  void a_missing_dot_env_file_is_no_error(@TempDir Path dir) {
    assertThat(ServiceConfig.load(dir).port()).isPositive();
  }

  @Test
  void durations_take_seconds_units_or_iso_8601() {
    assertThat(ServiceConfig.from(Map.of("TASK_TIMEOUT", "90")).taskTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(ServiceConfig.from(Map.of("TASK_TIMEOUT", "90s")).taskTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(ServiceConfig.from(Map.of("TASK_TIMEOUT", "2h")).taskTimeout()).isEqualTo(Duration.ofHours(2));
    assertThat(ServiceConfig.from(Map.of("TASK_TIMEOUT", "500ms")).taskTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(ServiceConfig.from(Map.of("TASK_TIMEOUT", "PT30M")).taskTimeout()).isEqualTo(Duration.ofMinutes(30));
  }
}
