package io.ffmpegqueue.examples.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code .env.example} lists every variable the service reads, with its default, and nothing else. */
class EnvExampleTest {
  @Test
  void dot_env_example_lists_every_variable_with_its_default() {
    Map<String, String> example = EnvFile.read(Path.of("..", ".env.example"));
    assertThat(example).as("the file exists and has variables").isNotEmpty();
    for (Variable v : Variables.READ) {
      assertThat(example).as(v.name()).containsEntry(v.name(), v.defaultValue());
    }
    assertThat(example.keySet()).containsExactlyInAnyOrderElementsOf(
        Variables.READ.stream().map(Variable::name).toList());
  }

  @Test
  void dot_env_example_is_a_valid_configuration() {
    ServiceConfig c = ServiceConfig.from(EnvFile.read(Path.of("..", ".env.example")));
    assertThat(c.port()).isEqualTo(8000);
  }
}
