package io.ffmpegqueue.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StderrTailTest {
  private static void write(StderrTail t, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    t.append(b, 0, b.length);
  }

  @Test
  void only_the_last_bytes_are_kept_from_a_whole_line_on() {
    StderrTail t = new StderrTail(32);
    for (int i = 0; i < 100; i++) {
      write(t, "line " + i + "\n");
    }
    assertThat(t.text()).hasSizeLessThanOrEqualTo(32).startsWith("line ").endsWith("line 99\n");
    assertThat(t.text()).doesNotContain("line 1\n");
  }

  @Test
  void the_last_lines_drop_blank_lines_and_object_addresses() {
    StderrTail t = new StderrTail(1024);
    write(t, "a\n\n[in#0 @ 0x55d0c0ffee00] Error opening input: No such file\r\nError opening input file x.mp4.\n");
    assertThat(t.lastLines(2)).containsExactly("[in#0] Error opening input: No such file", "Error opening input file x.mp4.");
  }
}
