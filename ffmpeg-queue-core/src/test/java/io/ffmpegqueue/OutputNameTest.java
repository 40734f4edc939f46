package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Declared output names: plain files, folders and numbered patterns, as a request accepts them. */
class OutputNameTest {
  private static TaskRequest.Builder request(String... outputs) {
    return TaskRequest.builder().command("-i in.mp4 out.mp4").input("in.mp4", URI.create("https://example.com/a.mp4"))
        .outputs(List.of(outputs));
  }

  @Test
  void folders_patterns_and_files_inside_folders_are_accepted() {
    TaskRequest r = request("hls/master.m3u8", "hls/", "thumbs/t_%03d.jpg", "seg_%d.ts", "out.mp4").build();
    assertThat(OutputNames.of(r.outputs()).all()).extracting(OutputName::kind).containsExactly(
        OutputName.Kind.FILE, OutputName.Kind.FOLDER, OutputName.Kind.SEQUENCE, OutputName.Kind.SEQUENCE,
        OutputName.Kind.FILE);
  }

  @Test
  void a_folder_covers_every_file_under_it_and_a_pattern_its_numbers() {
    assertThat(OutputName.parse("hls/").covers("hls/720p/seg_001.ts")).isTrue();
    assertThat(OutputName.parse("hls/").covers("hlsx/seg.ts")).isFalse();
    assertThat(OutputName.parse("t_%03d.jpg").covers("t_001.jpg")).isTrue();
    assertThat(OutputName.parse("t_%03d.jpg").covers("t_1234.jpg")).isTrue();
    assertThat(OutputName.parse("t_%03d.jpg").covers("t_01.jpg")).isFalse();
    assertThat(OutputName.parse("t_%03d.jpg").covers("t_00a.jpg")).isFalse();
    assertThat(OutputName.parse("t_%d.jpg").coversTemplate("t_%05d.jpg")).isTrue();
    assertThat(OutputName.parse("t_%05d.jpg").coversTemplate("t_%d.jpg")).isFalse();
  }

  @Test
  void unsafe_or_ambiguous_names_are_refused_naming_the_field() {
    for (String bad : new String[] {"/abs/", "../up/", "a/../b/", "hls//", "%d.ts%d", "t_%s.jpg", "t_%%d.jpg",
        "t_%10d.jpg", "-x/", "a\\b/", "1/2/3/4/5/6/7/8/9/"}) {
      assertThatThrownBy(() -> request(bad).build()).as(bad).isInstanceOf(InvalidTaskException.class)
          .satisfies(e -> assertThat(((InvalidTaskException) e).field()).isEqualTo("output_files"));
    }
  }

  @Test
  void a_file_with_a_folder_part_must_lie_in_a_declared_folder() {
    assertThatThrownBy(() -> request("hls/index.m3u8").build())
        .hasMessageContaining("must lie inside a declared folder (declare 'hls/' too)");
  }

  @Test
  void declarations_may_not_nest_or_cover_an_input() {
    assertThatThrownBy(() -> request("hls/", "hls/720p/").build()).hasMessageContaining("is inside the declared folder 'hls/'");
    assertThatThrownBy(() -> request("hls/", "hls/t_%d.jpg").build()).hasMessageContaining("is inside the declared folder");
    assertThatThrownBy(() -> TaskRequest.builder().command("-i in_1.mp4 out.mp4")
        .input("in_1.mp4", URI.create("https://example.com/a.mp4")).output("in_%d.mp4").build())
        .hasMessageContaining("covers the input 'in_1.mp4'");
  }
}
