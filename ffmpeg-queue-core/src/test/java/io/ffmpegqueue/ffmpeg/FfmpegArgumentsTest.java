package io.ffmpegqueue.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FfmpegArgumentsTest {
  @Test
  void progress_goes_to_stdout_and_every_input_gets_the_whitelists() {
    List<String> args = FfmpegArguments.build(
        FfmpegCommand.parse("-ss 1 -i a.mp4 -f lavfi -i sine -filter_complex amix -c:a aac out.m4a"), Set.of("mov", "wav"));
    assertThat(args).containsExactly(
        "-hide_banner", "-nostats", "-progress", "pipe:1", "-filter_complex", "amix", "-y",
        "-ss", "1", "-protocol_whitelist", "file", "-format_whitelist", "mov,wav", "-i", "a.mp4",
        "-f", "lavfi", "-protocol_whitelist", "file", "-format_whitelist", "lavfi", "-i", "sine",
        "-c:a", "aac", "out.m4a");
  }

  @Test
  void stdin_stays_open_and_the_commands_own_overwrite_choice_is_kept() {
    List<String> args = FfmpegArguments.build(FfmpegCommand.parse("-n -i a.mp4 out.mp4"), Set.of("mov"));
    assertThat(args).doesNotContain("-nostdin", "-y").contains("-n");
  }
}
