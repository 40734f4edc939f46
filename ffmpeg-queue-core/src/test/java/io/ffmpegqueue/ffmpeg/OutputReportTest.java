package io.ffmpegqueue.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.List;
import org.junit.jupiter.api.Test;

class OutputReportTest {
  /** ffmpeg 7.1's stderr for four outputs (copy, encode, audio only, one image), trimmed of metadata. */
  private static final List<String> STDERR = List.of(
      "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'in.mp4':",
      "  Duration: 00:00:01.00, start: 0.000000, bitrate: 150 kb/s",
      "  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv444p(progressive), 320x240 [SAR 1:1 DAR 4:3],"
          + " 61 kb/s, 25 fps, 25 tbr, 12800 tbn (default)",
      "  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 70 kb/s (default)",
      "Stream mapping:",
      "  Stream #0:0 -> #0:0 (copy)",
      "  Stream #0:0 -> #1:0 (h264 (native) -> h264 (libx264))",
      "Output #0, mp4, to 'out.mp4':",
      "  Metadata:",
      "    encoder         : Lavf61.7.100",
      "  Stream #0:0(und): Video: h264 (High) (avc1 / 0x31637661), yuv444p(progressive), 320x240 [SAR 1:1 DAR 4:3],"
          + " q=2-31, 61 kb/s, 25 fps, 25 tbr, 12800 tbn (default)",
      "  Stream #0:1(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 70 kb/s (default)",
      "Press [q] to stop, [?] for help",
      "Output #2, wav, to 'o3.wav':",
      "  Stream #2:0(und): Audio: pcm_s16le ([1][0][0][0] / 0x0001), 44100 Hz, mono, s16, 705 kb/s (default)",
      "Output #3, image2, to 'thumb.jpg':",
      "  Stream #3:0(und): Video: mjpeg, yuv444p(pc, progressive), 320x240 [SAR 1:1 DAR 4:3], q=2-31, 200 kb/s, 25 fps",
      "[libx264 @ 0x5563dfdcc580] using cpu capabilities: MMX2 SSE2Fast SSSE3 SSE4.2 AVX FMA3 BMI2 AVX2",
      "Output #1, matroska, to 'o2.mkv':",
      "  Stream #1:0(und): Video: h264 (H264 / 0x34363248), yuv444p(tv, progressive), 160x120 [SAR 1:1 DAR 4:3], q=2-31",
      "  Stream #1:1(und): Audio: mp3 (U[0][0][0] / 0x0055), 44100 Hz, mono, fltp (default)",
      "[out#0/mp4 @ 0x5563dfdfd280] video:7KiB audio:9KiB subtitle:0KiB other streams:0KiB muxing overhead: 13.5%");

  private static OutputReport read(List<String> lines) {
    OutputReport r = new OutputReport();
    lines.forEach(r::acceptStderrLine);
    return r;
  }

  @Test
  void each_output_gets_its_muxer_and_streams_whatever_order_ffmpeg_prints_them_in() {
    OutputReport r = read(STDERR);

    MediaInfo mp4 = r.describe("out.mp4", 0.96);
    assertThat(mp4.formatName()).isEqualTo("mp4");
    assertThat(mp4.durationSeconds()).isEqualTo(0.96);
    assertThat(mp4.streams()).extracting(MediaInfo.StreamInfo::index, MediaInfo.StreamInfo::type,
            MediaInfo.StreamInfo::codec, MediaInfo.StreamInfo::width, MediaInfo.StreamInfo::height)
        .containsExactly(tuple(0, "video", "h264", 320, 240), tuple(1, "audio", "aac", null, null));
    assertThat(r.describe("o2.mkv", null).streams()).extracting(MediaInfo.StreamInfo::codec, MediaInfo.StreamInfo::width)
        .containsExactly(tuple("h264", 160), tuple("mp3", null));
    assertThat(r.describe("o3.wav", null).streams()).extracting(MediaInfo.StreamInfo::codec)
        .containsExactly("pcm_s16le");
    assertThat(r.describe("thumb.jpg", null).formatName()).isEqualTo("image2");
    assertThat(r.describe("thumb.jpg", null).streams()).extracting(MediaInfo.StreamInfo::codec,
        MediaInfo.StreamInfo::width, MediaInfo.StreamInfo::height).containsExactly(tuple("mjpeg", 320, 240));
  }

  @Test
  void input_streams_and_the_stream_mapping_are_not_taken_for_outputs() {
    OutputReport r = read(STDERR.subList(0, 7));
    assertThat(r.describe("in.mp4", null)).isNull();
    assertThat(r.describe("out.mp4", null)).isNull();
  }

  @Test
  void an_output_ffmpeg_did_not_report_has_no_description() {
    // A log level below info prints no Output block; the runner then asks ffprobe.
    OutputReport r = read(List.of("[out#0/mp4 @ 0x1] video:7KiB audio:9KiB subtitle:0KiB muxing overhead: 13.5%"));
    assertThat(r.describe("out.mp4", 1.0)).isNull();
  }

  @Test
  void an_output_block_without_streams_has_no_description() {
    OutputReport r = read(List.of("Output #0, mp4, to 'out.mp4':", "  Metadata:", "Press [q] to stop"));
    assertThat(r.describe("out.mp4", 1.0)).isNull();
  }
}
