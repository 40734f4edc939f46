package io.ffmpegqueue.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.InvalidTaskException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FfmpegCommandTest {
  @Test
  void words_are_split_as_a_posix_shell_splits_them_and_nothing_more() {
    FfmpegCommand c = FfmpegCommand.parse("-i 'in put.mp4' -metadata \"title=a \\\"b\\\" \\$x\" x\\ y.mp4 ';' '|' '$(id)' `ls`");
    assertThat(c.arguments()).containsExactly(
        "-i", "in put.mp4", "-metadata", "title=a \"b\" $x", "x y.mp4", ";", "|", "$(id)", "`ls`");
  }

  @Test
  void shell_operators_are_plain_characters() {
    FfmpegCommand c = FfmpegCommand.parse("-i in.mp4 out.mp4; rm -rf / | cat $(id) && echo");
    assertThat(c.arguments()).contains("out.mp4;", "rm", "|", "$(id)", "&&");
  }

  @Test
  void an_unterminated_quote_is_refused_with_the_command_field() {
    assertThatThrownBy(() -> FfmpegCommand.parse("-i 'in.mp4 out.mp4"))
        .isInstanceOf(InvalidTaskException.class)
        .hasMessageContaining("command")
        .hasMessageContaining("unterminated single quote");
    assertThatThrownBy(() -> FfmpegCommand.parse("-i \"in.mp4 out.mp4")).hasMessageContaining("unterminated double quote");
    assertThatThrownBy(() -> FfmpegCommand.parse("-i in.mp4 \\")).hasMessageContaining("lone backslash");
    assertThatThrownBy(() -> FfmpegCommand.parse("   ")).hasMessageContaining("no arguments");
  }

  @Test
  void the_structure_has_global_options_inputs_with_their_options_and_outputs_with_theirs() {
    FfmpegCommand c = FfmpegCommand.parse(
        "-y -ss 2 -t 4 -i a.mp4 -f lavfi -i sine=d=1 -filter_complex [0:v]null[v] -map [v] -c:v libx264 -an out.mp4 -vn b.m4a");
    assertThat(c.globalOptions()).containsExactly(
        new FfmpegCommand.Option("y", null), new FfmpegCommand.Option("filter_complex", "[0:v]null[v]"));
    assertThat(c.inputs()).hasSize(2);
    assertThat(c.inputs().get(0).url()).isEqualTo("a.mp4");
    assertThat(c.inputs().get(0).options()).containsExactly(
        new FfmpegCommand.Option("ss", "2"), new FfmpegCommand.Option("t", "4"));
    assertThat(c.inputs().get(1).format()).isEqualTo("lavfi");
    assertThat(c.outputs()).extracting(FfmpegCommand.Output::url).containsExactly("out.mp4", "b.m4a");
    assertThat(c.outputs().get(0).options()).containsExactly(
        new FfmpegCommand.Option("map", "[v]"), new FfmpegCommand.Option("c:v", "libx264"),
        new FfmpegCommand.Option("an", null));
    assertThat(c.outputs().get(1).options()).containsExactly(new FfmpegCommand.Option("vn", null));
  }

  @Test
  void flags_take_no_value_as_in_ffmpegs_table_including_their_no_forms() {
    FfmpegCommand c = FfmpegCommand.parse("-nostdin -hide_banner -noautorotate -i in.mp4 -shortest -dn out.mp4");
    assertThat(c.globalOptions()).extracting(FfmpegCommand.Option::name).containsExactly("nostdin", "hide_banner");
    assertThat(c.globalOptions().get(0).canonicalName()).isEqualTo("stdin");
    assertThat(c.inputs().get(0).options()).containsExactly(new FfmpegCommand.Option("noautorotate", null));
    assertThat(c.outputs().get(0).url()).isEqualTo("out.mp4");
  }

  @Test
  void unknown_options_take_one_value_as_ffmpeg_gives_avoptions() {
    FfmpegCommand c = FfmpegCommand.parse("-i in.mp4 -preset veryfast -movflags +faststart out.mp4");
    assertThat(c.outputs().get(0).options()).containsExactly(
        new FfmpegCommand.Option("preset", "veryfast"), new FfmpegCommand.Option("movflags", "+faststart"));
  }

  @Test
  void stream_specifiers_and_the_file_prefix_are_part_of_the_name() {
    FfmpegCommand.Option o = FfmpegCommand.parse("-i in.mp4 -/filter:v:0 f.txt out.mp4").outputs().get(0).options().get(0);
    assertThat(o.baseName()).isEqualTo("filter");
    assertThat(o.streamSpecifier()).isEqualTo("v:0");
    assertThat(o.valueFromFile()).isTrue();
  }

  @Test
  void options_after_the_last_output_are_trailing() {
    FfmpegCommand c = FfmpegCommand.parse("-i in.mp4 out.mp4 -c:v copy");
    assertThat(c.trailingOptions()).containsExactly(new FfmpegCommand.Option("c:v", "copy"));
  }

  @Test
  void an_option_without_its_value_is_refused() {
    assertThatThrownBy(() -> FfmpegCommand.parse("-i in.mp4 out.mp4 -c:v"))
        .isInstanceOf(InvalidTaskException.class)
        .hasMessageContaining("'-c:v' needs a value");
    assertThatThrownBy(() -> FfmpegCommand.parse("-i")).hasMessageContaining("'-i' needs a value");
  }

  @Test
  void a_lone_dash_is_a_file_name_as_for_ffmpeg() {
    FfmpegCommand c = FfmpegCommand.parse("-i - -f mp4 -");
    assertThat(c.inputs().get(0).url()).isEqualTo("-");
    assertThat(c.outputs().get(0).url()).isEqualTo("-");
  }

  @Test
  void commands_are_equal_by_their_arguments() {
    assertThat(FfmpegCommand.parse("-i  a.mp4   b.mp4")).isEqualTo(FfmpegCommand.of(List.of("-i", "a.mp4", "b.mp4")));
  }
}
