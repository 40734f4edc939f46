package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskIdFormTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "Z", "0", "-", "_", "abc-123-def", "3f2b9c4e-5d6a-4b7c-8d9e-0f1a2b3c4d5e", "A_b-9"})
  void ids_of_letters_digits_dashes_and_underscores_are_accepted(String value) {
    assertThat(TaskId.of(value).value()).isEqualTo(value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "a b", "a/b", "..", "a.b", "a%2F", "ü", "a\n", "a\u0000", "id?x=1", "a+b"})
  void ids_with_other_characters_are_refused(String value) {
    assertThatThrownBy(() -> TaskId.of(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task id must be 1 to 128 letters, digits, '_' or '-'");
  }

  @Test
  void ids_are_at_most_128_characters() {
    assertThat(TaskId.of("a".repeat(128)).value()).hasSize(128);
    assertThatThrownBy(() -> TaskId.of("a".repeat(129))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void random_ids_are_valid_and_distinct() {
    Set<TaskId> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      TaskId id = TaskId.random();
      assertThat(TaskId.of(id.value())).isEqualTo(id);
      assertThat(seen.add(id)).isTrue();
    }
  }
}
