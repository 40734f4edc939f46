package io.ffmpegqueue.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FfmpegTimeTest {
  @Test
  void both_of_ffmpegs_time_syntaxes_are_read() {
    assertThat(FfmpegTime.seconds("01:02:03.5")).isEqualTo(3723.5);
    assertThat(FfmpegTime.seconds("02:03")).isEqualTo(123.0);
    assertThat(FfmpegTime.seconds("12.5")).isEqualTo(12.5);
    assertThat(FfmpegTime.seconds("1500ms")).isEqualTo(1.5);
    assertThat(FfmpegTime.seconds("250000us")).isEqualTo(0.25);
    assertThat(FfmpegTime.seconds("-3")).isEqualTo(-3.0);
    assertThat(FfmpegTime.seconds("N/A")).isNull();
    assertThat(FfmpegTime.seconds(null)).isNull();
  }
}
