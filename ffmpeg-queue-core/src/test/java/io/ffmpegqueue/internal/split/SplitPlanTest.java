package io.ffmpegqueue.internal.split;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitPlanTest {
  private static SourceMedia cfr(int frames, int fps) {
    return cfr(frames, fps, frames);
  }

  /** {@code frames} at {@code fps}, a keyframe every {@code gop} frames from the first. */
  private static SourceMedia cfr(int frames, int fps, int gop) {
    return frames(frames, 1.0 / (512 * fps), 512, gop);
  }

  private static SourceMedia frames(int frames, double timeBase, long ticks, int gop) {
    long[] pts = new long[frames];
    for (int i = 0; i < frames; i++) {
      pts[i] = i * ticks;
    }
    int[] keys = IntStream.range(0, frames).filter(i -> i % gop == 0).toArray();
    return new SourceMedia(timeBase, pts, keys, frames * ticks, true, 0, frames * ticks * timeBase, new long[frames]);
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
    // the key flag stays with its packet's pts (dts 0, pts 1024), not with the first pts after sorting
    assertThat(m.keyframeIndexes()).containsExactly(2);
    // the sizes travel with their packets too
    assertThat(m.frameBytes()).containsExactly(2597, 3659, 8658);
    assertThat(m.keyframe(0)).isFalse();
    assertThat(m.keyframe(2)).isTrue();
    assertThat(m.endPts()).isEqualTo(1536);
    assertThat(m.audio()).isTrue();
    assertThat(m.audioStartSeconds()).isEqualTo(0);
    assertThat(m.audioEndSeconds()).isEqualTo(2048 / 48000.0);
  }

  @Test
  void a_part_that_starts_on_a_keyframe_seeks_exactly_to_it() {
    // a keyframe every 10 s: every 30 s cut is a keyframe
    SplitPlan plan = SplitPlan.of(cfr(25 * 600, 25, 250), 30);
    assertThat(plan.parts()).hasSize(20).allSatisfy(p -> assertThat(p.frames()).isEqualTo(750));
    assertThat(plan.parts().get(1).seekSeconds()).isEqualTo(30.0);
    assertThat(plan.parts().get(19).seekSeconds()).isEqualTo(570.0);
  }

  @Test
  void a_cut_moves_to_a_keyframe_within_a_tenth_of_the_part_length() {
    // a keyframe every 9.6 s: the cut at 30 s moves to 28.8 s (1.2 s away, the tolerance is 3 s)
    SplitPlan plan = SplitPlan.of(cfr(25 * 600, 25, 240), 30);
    assertThat(plan.parts()).hasSize(20);
    assertThat(plan.parts().get(1).firstFrame()).isEqualTo(720);
    assertThat(plan.parts().get(1).seekSeconds()).isEqualTo(28.8);
    assertThat(plan.parts().get(0).frames()).isEqualTo(720);
    assertThat(plan.parts().get(0).durationSeconds()).isEqualTo(28.8);
    // the cut at 90 s is 3.6 s from 86.4 s and 6 s from 96 s: it stays on frame 2250, not a keyframe
    assertThat(plan.parts().get(3).firstFrame()).isEqualTo(2250);
    assertThat(plan.parts().get(3).seekSeconds()).isEqualTo(89.98);
    int total = 0;
    for (SplitPlan.Part p : plan.parts()) {
      double planned = 30.0 * p.index();
      double nearestKey = Math.round(planned / 9.6) * 9.6;
      int expected = Math.abs(nearestKey - planned) <= 3 ? (int) Math.round(nearestKey * 25) : p.index() * 750;
      assertThat(p.firstFrame()).as("part %d", p.index()).isEqualTo(expected);
      assertThat(p.durationSeconds()).isGreaterThanOrEqualTo(24.0);
      total += p.frames();
    }
    assertThat(total).isEqualTo(25 * 600);
  }

  @Test
  void a_cut_with_no_keyframe_near_stays_on_the_nearest_frame_half_way_seek() {
    // a keyframe every 20 s: the cut at 30 s is 10 s from one, more than the 3 s tolerance
    SplitPlan plan = SplitPlan.of(cfr(25 * 600, 25, 500), 30);
    SplitPlan.Part p = plan.parts().get(1);
    assertThat(p.firstFrame()).isEqualTo(750);
    assertThat(plan.source().keyframe(750)).isFalse();
    assertThat(p.seekSeconds()).isEqualTo(29.98);
  }

  @Test
  void the_seek_to_a_keyframe_rounds_down_to_the_microsecond() {
    // 30000/1001 fps, a keyframe every 299 frames: 9.976633333... s is not a whole microsecond
    SplitPlan plan = SplitPlan.of(frames(1800, 1 / 30000.0, 1001, 299), 10);
    SplitPlan.Part p = plan.parts().get(1);
    assertThat(p.firstFrame()).isEqualTo(299);
    assertThat(p.seekSeconds()).isEqualTo(9.976633);
    for (SplitPlan.Part q : plan.parts().subList(1, plan.parts().size())) {
      double first = plan.source().seconds(q.firstFrame());
      double ss = Double.parseDouble(String.format(Locale.ROOT, "%.6f", q.seekSeconds()));
      assertThat(ss).as("part %d", q.index()).isLessThanOrEqualTo(first).isGreaterThan(plan.source().seconds(q.firstFrame() - 1));
    }
    assertThat(SplitPlan.floorMicros(10.000000000000002)).isEqualTo(10.0);
    assertThat(SplitPlan.floorMicros(9.999999999999998)).isEqualTo(10.0);
    assertThat(SplitPlan.floorMicros(0.0333666)).isEqualTo(0.033366);
  }

  @Test
  void parts_are_handed_out_largest_first_and_keep_their_order_among_equals() {
    SourceMedia flat = cfr(25 * 120, 25);
    long[] bytes = new long[flat.frames()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = i >= 1500 && i < 2250 ? 900 : 100; // the third 30 s part is the costly scene
    }
    SourceMedia m = new SourceMedia(flat.timeBase(), flat.framePts(), flat.keyframeIndexes(), flat.endPts(), true,
        0, flat.audioEndSeconds(), bytes);
    SplitPlan plan = SplitPlan.of(m, 30);
    assertThat(plan.parts()).extracting(SplitPlan.Part::bytes).containsExactly(75_000L, 75_000L, 675_000L, 75_000L);
    assertThat(plan.largestFirst()).extracting(SplitPlan.Part::index).containsExactly(2, 0, 1, 3);
    assertThat(SplitPlan.of(flat, 30).largestFirst()).extracting(SplitPlan.Part::index).containsExactly(0, 1, 2, 3);
  }
}
