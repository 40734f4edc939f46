package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileNameFormTest {
  // The rule as the guide states it, as a regex: the hand-written check must agree with it everywhere.
  private static final Pattern RULE = Pattern.compile("[A-Za-z0-9_.-]{1,255}");

  private static boolean byRule(String name) {
    return RULE.matcher(name).matches() && !name.contains("..") && !name.startsWith("-") && !name.equals(".");
  }

  @ParameterizedTest
  @ValueSource(strings = {"input.mp4", "out_1-final.MKV", "a", ".hidden", "x.y.z", "9"})
  void bare_file_names_are_valid(String name) {
    assertThat(TaskRequest.isValidFileName(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "a..b", "-i", "a/b", "a\\\\b", "/etc/passwd", "a b", "ü.mp4", "a:b", "in.mp4\n"})
  void paths_options_and_odd_characters_are_not_file_names(String name) {
    assertThat(TaskRequest.isValidFileName(name)).isFalse();
  }

  @Test
  void null_and_overlong_names_are_not_file_names() {
    assertThat(TaskRequest.isValidFileName(null)).isFalse();
    assertThat(TaskRequest.isValidFileName("a".repeat(255))).isTrue();
    assertThat(TaskRequest.isValidFileName("a".repeat(256))).isFalse();
  }

  @Test
  void the_check_agrees_with_the_rule_on_random_names() {
    String alphabet = "aZ09_.-/ \\:ü\u0000";
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      int len = random.nextInt(6);
      for (int j = 0; j < len; j++) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String name = b.toString();
      assertThat(TaskRequest.isValidFileName(name)).as("'%s'", name).isEqualTo(byRule(name));
    }
  }
}
