package io.ffmpegqueue.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.InvalidTaskException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SplitCheckTest {
  @Test
  void sorts_the_options_of_a_splittable_command_into_video_audio_and_container() {
    SplitCommand c = SplitCheck.check(FfmpegCommand.parse(
        "-y -i in.mov -map 0:v:0 -map 0:a? -vf 'scale=1280:-2,setsar=1' -c:v libx264 -crf 23 -preset slow "
            + "-c:a aac -b:a 128k -movflags +faststart -b:v 0 out.mp4"));
    assertThat(c.inputUrl()).isEqualTo("in.mov");
    assertThat(c.outputUrl()).isEqualTo("out.mp4");
    assertThat(c.videoOptions()).extracting(FfmpegCommand.Option::name).containsExactly("vf", "c:v", "crf", "preset", "b:v");
    assertThat(c.audioOptions()).extracting(FfmpegCommand.Option::name).containsExactly("c:a", "b:a");
    assertThat(c.containerOptions()).extracting(FfmpegCommand.Option::name).containsExactly("movflags");
    assertThat(c.audio()).isTrue();
    assertThat(SplitCheck.check(FfmpegCommand.parse("-i in.mp4 -an -c libx264 out.mkv")).audio()).isFalse();
    assertThat(SplitCheck.check(FfmpegCommand.parse("-i in.mp4 -filter:a loudnorm -af volume=2 out.mkv")).audioOptions())
        .extracting(FfmpegCommand.Option::name).containsExactly("filter:a", "af");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      -i a.mp4 -i b.mp4 out.mp4                                  | 2 inputs
      -i a.mp4 out.mp4 out2.mp4                                  | 2 outputs
      -filter_complex '[0:v]scale=640:-2' -i a.mp4 out.mp4       | -filter_complex can mix streams
      -i a.mp4 -vf 'scale=640:-2,hqdn3d' out.mp4                 | the video filter 'hqdn3d' is not on the list
      -i a.mp4 -vf yadif out.mp4                                 | the video filter 'yadif'
      -i a.mp4 -vf fps=24 out.mp4                                | the video filter 'fps'
      -ss 10 -i a.mp4 out.mp4                                    | the input option -ss
      -i a.mp4 -t 10 out.mp4                                     | -t changes or depends on time
      -i a.mp4 -r 24 out.mp4                                     | -r changes or depends on time
      -i a.mp4 -c:v libx264 -pass 2 out.mp4                      | two-pass
      -i a.mp4 -c:v libx264 -x264-params pass=1 out.mp4          | multi-pass
      -i a.mp4 -c copy out.mp4                                   | stream copy
      -i a.mp4 -c:v copy out.mp4                                 | stream copy
      -i a.mp4 -f hls hls/index.m3u8                             | not in a container
      -i a.mp4 frames/%03d.png                                   | numbered sequence
      -i a.mp4 out.gif                                           | not in a container
      -f lavfi -i testsrc=d=10 out.mp4                           | lavfi input
      -i a.mp4 -vn out.mp4                                       | no video
      -i a.mp4 -map 0:s out.mp4                                  | -map 0:s
      """)
  void refuses_commands_whose_meaning_changes_when_cut_and_says_why(String command, String why) {
    assertThatThrownBy(() -> SplitCheck.check(FfmpegCommand.parse(command)))
        .isInstanceOf(InvalidTaskException.class)
        .hasMessageContaining("cannot be split")
        .hasMessageContaining(why)
        .satisfies(e -> assertThat(((InvalidTaskException) e).field()).isEqualTo("split"));
  }
}
