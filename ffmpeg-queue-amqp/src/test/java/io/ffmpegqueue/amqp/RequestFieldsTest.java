package io.ffmpegqueue.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestFieldsTest {
  private static JsonNode json(String s) throws Exception {
    return TaskJson.mapper().readTree(s);
  }

  @Test
  void the_register_fields_make_the_request() throws Exception {
    TaskRequest r = RequestFields.parse(json("{\"command\": \"-i in.mp4 out.mp4 thumb.jpg\", "
        + "\"input_files\": {\"in.mp4\": \"https://example.com/a.mp4\"}, \"output_filename\": \"out.mp4\", "
        + "\"output_files\": [\"out.mp4\", \"thumb.jpg\"], \"priority\": -1, \"timeout_seconds\": 90, "
        + "\"max_attempts\": 2, \"metadata\": {\"user\": \"7\"}, \"tenant\": \"acme\"}"), "key-1", Map.of("celery_task_id", "c"));
    assertThat(r.outputs()).containsExactly("out.mp4", "thumb.jpg");
    assertThat(r.priority()).isEqualTo(-1);
    assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(r.maxAttempts()).isEqualTo(2);
    assertThat(r.idempotencyKey()).isEqualTo("key-1");
    assertThat(r.metadata()).containsEntry("user", "7").containsEntry("celery_task_id", "c");
    assertThat(r.tenant()).isEqualTo("acme");
  }

  @Test
  void each_mistake_names_its_field() {
    assertThatThrownBy(() -> RequestFields.parse(json("{\"output_filename\": \"o.mp4\"}"), null, Map.of()))
        .isInstanceOf(InvalidTaskException.class).hasMessageStartingWith("command: is required");
    assertThatThrownBy(() -> RequestFields.parse(json("{\"command\": \"x\"}"), null, Map.of()))
        .isInstanceOf(InvalidTaskException.class).hasMessageStartingWith("output_filename: is required");
    assertThatThrownBy(() -> RequestFields.parse(json("{\"command\": \"x\", \"output_filename\": \"o\", \"colour\": 1}"), null, Map.of()))
        .isInstanceOf(InvalidTaskException.class).hasMessageStartingWith("colour: unknown field");
    assertThatThrownBy(() -> RequestFields.parse(json("{\"command\": \"x\", \"output_filename\": \"o\", \"priority\": \"high\"}"), null, Map.of()))
        .isInstanceOf(InvalidTaskException.class).hasMessage("priority: must be a whole number");
    assertThatThrownBy(() -> RequestFields.parse(json("[1]"), null, Map.of()))
        .isInstanceOf(InvalidTaskException.class).hasMessageStartingWith("body: must be a JSON object");
  }
}
