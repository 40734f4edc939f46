package io.ffmpegqueue.internal.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ffmpegqueue.ffmpeg.TestFfmpeg;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Split encodes with the real ffmpeg (installed and bundled) on generated media: every input frame once, at
 * its time, with the whole audio and no gap at the joins.
 */
@ParameterizedClass(name = "{0} ffmpeg")
@EnumSource(TestFfmpeg.Build.class)
class SplitEncodeIT {
  @Parameter
  TestFfmpeg.Build build;

  @TempDir
  Path dir;

  @Test
  void cuts_inside_a_long_gop_keep_every_frame_at_its_time_and_the_audio_whole() throws Exception {
    SplitMedia m = new SplitMedia(build.installation(), dir);
    // one keyframe every 10 s: every cut (about each 4 s) falls inside a GOP; B-frames: packets out of order
    m.ffmpeg("-f", "lavfi", "-i", "testsrc2=d=12:s=320x240:r=25", "-f", "lavfi", "-i", "sine=f=440:d=12:r=48000",
        "-c:v", "libx264", "-preset", "veryfast", "-bf", "3", "-g", "250", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", "in.mp4");
    SplitMedia.Split s = m.plan("-i in.mp4 -c:v libx264 -preset ultrafast -crf 18 -c:a aac -b:a 128k out.mp4", 4);
    SourceMedia in = s.plan().source();
    assertThat(in.frames()).isEqualTo(300);
    assertThat(in.keyframes()).isEqualTo(2);
    assertThat(s.plan().parts()).hasSize(3);
    assertThat(s.plan().parts()).extracting(SplitPlan.Part::frames).containsExactly(100, 100, 100);

    m.encode(s);

    SourceMedia out = m.probe("out.mp4");
    assertThat(m.decodedFrames("out.mp4")).isEqualTo(300);
    for (int i = 0; i < in.frames(); i++) {
      assertThat(out.seconds(i)).as("frame %d", i).isCloseTo(in.seconds(i), within(0.001));
    }
    assertThat(out.durationSeconds()).isCloseTo(in.durationSeconds(), within(1 / 25.0));
    assertThat(m.minPsnr("in.mp4", "out.mp4")).as("each output frame is its input frame").isGreaterThan(35);
    assertThat(out.audio()).isTrue();
    assertThat(out.audioStartSeconds()).isCloseTo(in.audioStartSeconds(), within(0.025));
    assertThat(out.audioEndSeconds()).isCloseTo(in.audioEndSeconds(), within(0.025));
    assertThat(m.decodedAudioSeconds("out.mp4")).isCloseTo(m.decodedAudioSeconds("in.mp4"), within(0.025));
    for (SplitPlan.Part p : s.plan().parts().subList(1, 3)) {
      double join = in.seconds(p.firstFrame());
      assertThat(m.silences("out.mp4", join - 0.5, join + 0.5)).as("silence around the join at %s s", join).isEmpty();
    }
  }

  @Test
  void parts_that_start_on_keyframes_seek_to_them_and_decode_no_frame_they_drop() throws Exception {
    SplitMedia m = new SplitMedia(build.installation(), dir);
    // a keyframe every 2 s (50 frames), B-frames: the 4 s cuts are keyframes
    m.ffmpeg("-f", "lavfi", "-i", "testsrc2=d=12:s=320x240:r=25", "-c:v", "libx264", "-preset", "veryfast", "-bf", "3",
        "-g", "50", "-sc_threshold", "0", "-pix_fmt", "yuv420p", "keys.mp4");
    SplitMedia.Split s = m.plan("-i keys.mp4 -c:v libx264 -preset ultrafast -qp 0 out.mp4", 4);
    SourceMedia in = s.plan().source();
    assertThat(in.keyframes()).isEqualTo(6);
    assertThat(s.plan().parts()).extracting(SplitPlan.Part::firstFrame).containsExactly(0, 100, 200);
    assertThat(s.plan().parts()).extracting(SplitPlan.Part::seekSeconds).containsExactly(0.0, 4.0, 8.0);

    m.encode(s);

    // lossless: every output frame is its input frame, bit for bit, at its time
    assertThat(m.frameMd5s("out.mp4")).isEqualTo(m.frameMd5s("keys.mp4"));
    SourceMedia out = m.probe("out.mp4");
    for (int i = 0; i < in.frames(); i++) {
      assertThat(out.seconds(i)).as("frame %d", i).isCloseTo(in.seconds(i), within(0.001));
    }
    for (SplitPlan.Part p : s.plan().parts()) {
      long[] counts = m.decoderCounts(s.commands().part(p));
      // the seek lands on the part's own keyframe: it decodes its frames and the few the decoder and
      // encoder hold when -frames stops it (101 of 100 seen), never the 50 of the GOP before (the old
      // half-way seek did). Packets read are not asserted: ffmpeg 7's demuxer thread reads ahead.
      assertThat(counts[1]).as("frames decoded by part %d", p.index()).isBetween((long) p.frames(), p.frames() + 10L);
    }
  }

  @Test
  void variable_frame_rate_input_without_audio_keeps_each_frame_time() throws Exception {
    SplitMedia m = new SplitMedia(build.installation(), dir);
    // drops 4 of every 10 frames, and none between frames 100 and 130: gaps of 1/30 s up to 5/30 s
    m.ffmpeg("-f", "lavfi", "-i", "testsrc2=d=12:s=320x240:r=30", "-vf", "select='lt(mod(n\\,10)\\,6)+between(n\\,100\\,130)'",
        "-fps_mode", "vfr", "-c:v", "libx264", "-preset", "ultrafast", "-g", "600", "-pix_fmt", "yuv420p", "vfr.mp4");
    SplitMedia.Split s = m.plan("-i vfr.mp4 -vf scale=160:120,setsar=1 -c:v libx264 -preset ultrafast -crf 20 out.mkv", 3);
    SourceMedia in = s.plan().source();
    assertThat(in.audio()).isFalse();
    assertThat(s.plan().parts()).hasSize(4);

    m.encode(s);

    SourceMedia out = m.probe("out.mkv");
    assertThat(out.audio()).isFalse();
    assertThat(m.decodedFrames("out.mkv")).isEqualTo(in.frames());
    for (int i = 0; i < in.frames(); i++) {
      // Matroska keeps milliseconds
      assertThat(out.seconds(i)).as("frame %d", i).isCloseTo(in.seconds(i), within(0.0011));
    }
  }

  @Test
  void audio_that_starts_before_the_video_keeps_its_offset() throws Exception {
    SplitMedia m = new SplitMedia(build.installation(), dir);
    m.ffmpeg("-itsoffset", "0.2", "-f", "lavfi", "-i", "testsrc2=d=8:s=320x240:r=25", "-f", "lavfi", "-i",
        "sine=f=440:d=8.2:r=48000", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-fps_mode", "passthrough",
        "-c:a", "aac",
        "late.mp4");
    SplitMedia.Split s = m.plan("-i late.mp4 -c:v libx264 -preset ultrafast -c:a aac out.mp4", 3);
    SourceMedia in = s.plan().source();
    assertThat(in.seconds(0)).isCloseTo(0.2, within(0.03));
    assertThat(s.plan().parts()).hasSize(3);

    m.encode(s);

    SourceMedia out = m.probe("out.mp4");
    assertThat(out.frames()).isEqualTo(in.frames());
    assertThat(out.seconds(0) - out.audioStartSeconds()).as("video start after audio start")
        .isCloseTo(in.seconds(0) - in.audioStartSeconds(), within(0.025));
    assertThat(out.audioEndSeconds() - out.seconds(0)).isCloseTo(in.audioEndSeconds() - in.seconds(0), within(0.025));
  }
}
