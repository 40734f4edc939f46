package io.ffmpegqueue.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.ffmpeg.Progress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressTextTest {
  @Test
  void a_progress_read_back_from_its_text_is_the_same_progress() {
    Progress p = new Progress(0.25, Duration.ofMillis(1500), 29.97, 1.5, Duration.ofSeconds(12));
    assertThat(ProgressText.of(p)).isEqualTo("0.25,1500,29.97,1.5,12000");
    assertThat(ProgressText.parse(ProgressText.of(p))).isEqualTo(p);
  }

  @Test
  void unknown_fields_stay_unknown_and_other_text_is_no_progress() {
    Progress p = new Progress(null, Duration.ZERO, null, Double.NaN, null);
    assertThat(ProgressText.of(p)).isEqualTo(",0,,,");
    assertThat(ProgressText.parse(",0,,,")).isEqualTo(new Progress(null, Duration.ZERO, null, null, null));
    assertThat(ProgressText.parse("1,2,3")).isNull();
    assertThat(ProgressText.parse("x,0,,,")).isNull();
  }
}
