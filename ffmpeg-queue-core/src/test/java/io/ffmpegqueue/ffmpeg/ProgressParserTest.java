package io.ffmpegqueue.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressParserTest {
  private static List<Progress> feed(ProgressParser p, String text) {
    List<Progress> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      Progress pr = p.accept(line);
      if (pr != null) {
        out.add(pr);
      }
    }
    return out;
  }

  @Test
  void a_block_becomes_a_fraction_of_the_expected_duration_with_fps_speed_and_eta() {
    ProgressParser p = new ProgressParser(() -> 10.0);
    List<Progress> ps = feed(p, "frame=50\nfps=25.00\nout_time_us=2500000\nout_time_ms=2500000\nout_time=00:00:02.500000\nspeed=2.5x\nprogress=continue");
    assertThat(ps).hasSize(1);
    Progress pr = ps.get(0);
    assertThat(pr.fraction()).isCloseTo(0.25, within(1e-9));
    assertThat(pr.outTime()).isEqualTo(Duration.ofMillis(2500));
    assertThat(pr.fps()).isEqualTo(25.0);
    assertThat(pr.speed()).isEqualTo(2.5);
    assertThat(pr.eta()).isEqualTo(Duration.ofMillis(3000));
    assertThat(p.ended()).isFalse();
  }

  @Test
  void na_and_negative_times_are_unknown_and_do_not_move_the_fraction_back() {
    ProgressParser p = new ProgressParser(() -> 4.0);
    List<Progress> ps = feed(p, "out_time_us=2000000\nprogress=continue\nout_time_us=N/A\nspeed=N/A\nprogress=continue\n"
        + "out_time_us=-5000\nprogress=continue\nout_time_us=1000000\nprogress=continue");
    assertThat(ps).extracting(Progress::fraction).containsExactly(0.5, 0.5, 0.5, 0.5);
    assertThat(ps.get(1).speed()).isNull();
  }

  @Test
  void the_fraction_stays_below_one_while_ffmpeg_runs_and_end_is_seen() {
    ProgressParser p = new ProgressParser(() -> 1.0);
    List<Progress> ps = feed(p, "out_time_us=1500000\nprogress=continue\nout_time_us=2000000\nprogress=end");
    assertThat(ps).extracting(Progress::fraction).containsExactly(ProgressParser.RUNNING_CAP, ProgressParser.RUNNING_CAP);
    assertThat(p.ended()).isTrue();
  }

  @Test
  void without_a_known_duration_only_the_output_time_is_reported() {
    ProgressParser p = new ProgressParser(() -> -1);
    Progress pr = feed(p, "out_time=00:01:02.500000\nprogress=continue").get(0);
    assertThat(pr.fraction()).isNull();
    assertThat(pr.outTime()).isEqualTo(Duration.ofMillis(62_500));
    assertThat(pr.eta()).isNull();
  }

  @Test
  void lines_that_are_not_key_value_pairs_are_ignored() {
    ProgressParser p = new ProgressParser(() -> 1.0);
    assertThat(feed(p, "garbage\n=x\n\nbitrate=N/A")).isEmpty();
  }
}
