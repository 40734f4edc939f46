package io.ffmpegqueue.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExpectedDurationTest {
  @Test
  void the_longest_input_from_the_duration_lines_after_its_seek_and_limit() {
    ExpectedDuration d = new ExpectedDuration(FfmpegCommand.parse("-ss 2 -i a.mp4 -t 3 -i b.wav out.mp4"));
    assertThat(d.seconds()).isEqualTo(-1);
    d.acceptStderrLine("Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'a.mp4':");
    d.acceptStderrLine("  Duration: 00:00:10.00, start: 0.000000, bitrate: 100 kb/s");
    d.acceptStderrLine("Input #1, wav, from 'b.wav':");
    d.acceptStderrLine("  Duration: 00:00:20.00, bitrate: 1411 kb/s");
    d.acceptStderrLine("Output #0, mp4, to 'out.mp4':");
    d.acceptStderrLine("  Duration: 00:09:99.00");
    assertThat(d.seconds()).isEqualTo(8.0);
  }

  @Test
  void an_output_limit_wins() {
    ExpectedDuration d = new ExpectedDuration(FfmpegCommand.parse("-i a.mp4 -t 00:00:01.5 out.mp4"));
    d.inputDuration(0, 30);
    assertThat(d.seconds()).isEqualTo(1.5);
  }

  @Test
  void unknown_durations_and_endless_loops_stay_unknown() {
    ExpectedDuration d = new ExpectedDuration(FfmpegCommand.parse("-stream_loop -1 -i a.mp4 out.mp4"));
    d.acceptStderrLine("Input #0, lavfi, from 'testsrc':");
    d.acceptStderrLine("  Duration: N/A, start: 0.000000, bitrate: N/A");
    assertThat(d.seconds()).isEqualTo(-1);
  }

  @Test
  void a_quiet_log_level_hides_the_duration_lines() {
    assertThat(FfmpegCommand.parse("-v error -i a out").logHidesDurations()).isTrue();
    assertThat(FfmpegCommand.parse("-loglevel repeat+level+warning -i a out").logHidesDurations()).isTrue();
    assertThat(FfmpegCommand.parse("-loglevel 24 -i a out").logHidesDurations()).isTrue();
    assertThat(FfmpegCommand.parse("-loglevel info -i a out").logHidesDurations()).isFalse();
    assertThat(FfmpegCommand.parse("-i a out").logHidesDurations()).isFalse();
  }
}
