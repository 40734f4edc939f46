package io.ffmpegqueue.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CeleryMessageTest {
  private static AMQP.BasicProperties props(String contentType, Map<String, Object> headers) {
    return new AMQP.BasicProperties.Builder().contentType(contentType).headers(headers)
        .replyTo("reply-queue").correlationId("c-1").build();
  }

  private static Map<String, Object> headers(String task, String id) {
    Map<String, Object> h = new HashMap<>();
    h.put("lang", "py");
    h.put("task", task);
    h.put("id", id);
    h.put("argsrepr", "()");
    return h;
  }

  private static byte[] body(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void a_protocol_2_message_gives_its_id_name_reply_queue_and_kwargs() {
    CeleryMessage m = CeleryMessage.parse(props("application/json", headers("ffmpeg.run", "id-1")),
        body("[[], {\"command\": \"-i a.mp4 b.mp4\"}, {\"callbacks\": null}]"));
    assertThat(m.id()).isEqualTo("id-1");
    assertThat(m.name()).isEqualTo("ffmpeg.run");
    assertThat(m.replyTo()).isEqualTo("reply-queue");
    assertThat(m.correlationId()).isEqualTo("c-1");
    assertThat(m.fields().path("command").asText()).isEqualTo("-i a.mp4 b.mp4");
  }

  @Test
  void one_dict_argument_is_taken_as_the_fields() {
    CeleryMessage m = CeleryMessage.parse(props("application/json", headers("ffmpeg.run", "id-1")),
        body("[[{\"command\": \"x\"}], {}, {}]"));
    assertThat(m.fields().path("command").asText()).isEqualTo("x");
  }

  @Test
  void protocol_1_other_serializers_and_positional_arguments_are_refused_with_the_reason() {
    assertThatThrownBy(() -> CeleryMessage.parse(props("application/json", null), body("{\"task\": \"t\"}")))
        .isInstanceOf(InvalidMessageException.class).hasMessageContaining("task_protocol 1 is not supported");
    assertThatThrownBy(() -> CeleryMessage.parse(props("application/x-python-serialize", headers("t", "i")), body("x")))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessage("content type 'application/x-python-serialize' is not accepted; the client must use task_serializer='json'")
        .satisfies(e -> assertThat(((InvalidMessageException) e).replyTo()).isEqualTo("reply-queue"));
    assertThatThrownBy(() -> CeleryMessage.parse(props("application/json", headers("t", "i")), body("[[1, 2], {}, {}]")))
        .isInstanceOf(InvalidMessageException.class).hasMessageContaining("not as 2 positional arguments");
    assertThatThrownBy(() -> CeleryMessage.parse(props("application/json", headers("t", "i")), body("[[], {}]")))
        .isInstanceOf(InvalidMessageException.class).hasMessageContaining("[args, kwargs, embed]");
  }
}
