package io.ffmpegqueue.internal.split;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SplitPlanTest {
  private static SourceMedia cfr(int frames, int fps) {
    long[] pts = new long[frames];
    for (int i = 0; i < frames; i++) {
      pts[i] = i * 512L;
    }
    return new SourceMedia(1.0 / (512 * fps), pts, 1, frames * 512L, true, 0, frames / (double) fps);
  }

  @Test
  void parts_take_every_frame_once_in_parts_of_about_the_segment_length() {
    SplitPlan plan = SplitPlan.of(cfr(25 * 600, 25), 30);
    assertThat(plan.parts()).hasSize(20);
    int next = 0;
    double total = 0;
    for (SplitPlan.Part p : plan.parts()) {
      assertThat(p.firstFrame()).isEqualTo(next);
      next += p.frames();
      total += p.durationSeconds();
      assertThat(p.frames()).isEqualTo(750);
    }
    assertThat(next).isEqualTo(25 * 600);
    assertThat(total).isEqualTo(600.0);
    assertThat(plan.parts().get(1).seekSeconds()).isEqualTo(29.98);
  }

  @Test
  void an_input_shorter_than_two_segments_is_one_part_and_one_of_two_is_two() {
    assertThat(SplitPlan.of(cfr(25 * 59, 25), 30).split()).isFalse();
    assertThat(SplitPlan.of(cfr(25 * 60, 25), 30).parts()).extracting(SplitPlan.Part::frames).containsExactly(750, 750);
  }

  @Test
  void reads_the_probe_listing_without_discarded_audio_packets() {
    String listing = """
        #tb 0: 1/12800
        #media_type 0: video
        #tb 1: 1/48000
        #media_type 1: audio
        0,          0,       1024,      512,     8658, 0x5d5ee8d5
        1,      -1024,      -1024,     1024,      258, 0x2c5b786a, F=0x5, S=1,       10
        1,          0,          0,     1024,      258, 0x8057765e
        0,        512,          0,      512,     2597, 0xa4d414de, F=0x0
        1,       1024,       1024,     1024,      258, 0x8057765e
        0,       1024,        512,      512,     3659, 0xfa04f9cb, F=0x0
        """;
    SourceMedia m = SourceMedia.parse(listing);
    assertThat(m.framePts()).containsExactly(0, 512, 1024);
    assertThat(m.keyframes()).isEqualTo(1);
    assertThat(m.endPts()).isEqualTo(1536);
    assertThat(m.audio()).isTrue();
    assertThat(m.audioStartSeconds()).isEqualTo(0);
    assertThat(m.audioEndSeconds()).isEqualTo(2048 / 48000.0);
  }
}
