package io.ffmpegqueue.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AmqpSettingsTest {

  @Test
  void without_amqp_url_there_are_no_settings() {
    assertThat(AmqpSettings.fromEnv(Map.of("AMQP_CELERY_QUEUE", "x"))).isEmpty();
    assertThat(AmqpSettings.fromEnv(Map.of("AMQP_URL", " "))).isEmpty();
  }

  @Test
  void the_defaults_are_the_names_celery_and_plain_clients_expect() {
    AmqpSettings s = AmqpSettings.fromEnv(Map.of("AMQP_URL", "amqp://u:p@rabbit:5672/vh")).orElseThrow();
    assertThat(s.celeryQueue()).isEqualTo("celery");
    assertThat(s.celeryTaskName()).isEqualTo("ffmpeg.run");
    assertThat(s.registerQueue()).isEqualTo("ffmpeg.register");
    assertThat(s.eventsExchange()).isEqualTo("ffmpeg.events");
    assertThat(s.deadLetterQueue()).isEqualTo("ffmpeg.dead-letter");
    assertThat(s.prefetch()).isEqualTo(64);
  }

  @Test
  void every_variable_is_read() {
    AmqpSettings s = AmqpSettings.fromEnv(Map.of("AMQP_URL", "amqps://rabbit", "AMQP_CELERY_QUEUE", "video",
        "AMQP_CELERY_TASK", "media.transcode", "AMQP_REGISTER_QUEUE", "reg", "AMQP_EVENTS_EXCHANGE", "ev",
        "AMQP_DEAD_LETTER_QUEUE", "dead", "AMQP_PREFETCH", "8")).orElseThrow();
    assertThat(s).isEqualTo(new AmqpSettings("amqps://rabbit", "video", "media.transcode", "reg", "ev", "dead", 8, 4));
  }

  @Test
  void the_password_never_shows() {
    AmqpSettings s = AmqpSettings.builder("amqp://user:secret@rabbit:5672/%2F").build();
    assertThat(s.toString()).contains("amqp://user:***@rabbit:5672/%2F").doesNotContain("secret");
    assertThatThrownBy(() -> AmqpSettings.builder("http://user:secret@rabbit").build())
        .hasMessageStartingWith("AMQP_URL: must start with amqp:// or amqps://")
        .hasMessageNotContaining("secret");
  }

  @Test
  void invalid_values_name_their_variable() {
    assertThatThrownBy(() -> AmqpSettings.fromEnv(Map.of("AMQP_URL", "amqp://r", "AMQP_PREFETCH", "lots")))
        .hasMessage("AMQP_PREFETCH: 'lots' is not a whole number");
    assertThatThrownBy(() -> AmqpSettings.fromEnv(Map.of("AMQP_URL", "amqp://r", "AMQP_PREFETCH", "0")))
        .hasMessage("AMQP_PREFETCH: must be between 1 and 65535, got 0");
    assertThatThrownBy(() -> AmqpSettings.fromEnv(Map.of("AMQP_URL", "amqp://r", "AMQP_EVENTS_EXCHANGE", "amq.topic")))
        .hasMessageStartingWith("AMQP_EVENTS_EXCHANGE: must be 1 to 255 characters and not start with 'amq.'");
    assertThatThrownBy(() -> AmqpSettings.fromEnv(Map.of("AMQP_URL", "amqp:///vhost")))
        .hasMessage("AMQP_URL: has no host");
  }
}
