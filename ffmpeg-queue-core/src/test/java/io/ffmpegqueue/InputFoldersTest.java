package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Folder inputs as a request declares them: a name ending in '/' takes a task:// folder URL, and nothing else does. */
class InputFoldersTest {
  private static final TaskId PARENT = TaskId.of("parent_1");

  private static TaskRequest.Builder remux() {
    return TaskRequest.builder().command("-i hls/index.m3u8 -c copy out.mp4").output("out.mp4");
  }

  @Test
  void a_folder_input_takes_another_tasks_folder_output_and_waits_for_it() {
    TaskRequest r = remux().input("hls/", PARENT, "hls/").build();
    assertThat(r.inputs()).containsOnlyKeys("hls/");
    assertThat(r.dependsOn()).containsExactly(PARENT);
    assertThat(InputFolders.containing(r.inputs().keySet(), "hls/720p/index.m3u8")).isEqualTo("hls/");
    assertThat(InputFolders.containing(r.inputs().keySet(), "hls/../x.ts")).isNull();
    assertThat(TaskRequest.builder().command("-i a/b/index.m3u8 out.mp4").output("out.mp4")
        .input("a/b/", PARENT, "media/hls/").build().inputs()).containsOnlyKeys("a/b/");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "a folder URL under a file name | in.m3u8  | task://parent_1/hls/          | input_files | 'in.m3u8' is a file input, but its URL names the folder output 'hls/'",
      "a file URL under a folder name | hls/     | task://parent_1/video.mp4     | input_files | 'hls/' is a folder input, but its URL names the file output 'video.mp4'",
      "an http URL under a folder     | hls/     | https://example.com/hls/      | input_files | its URL must name another task's folder output",
      "'..' in the folder name        | ../hls/  | task://parent_1/hls/          | input_files | '../hls/' is not a folder name",
      "'..' inside the folder name    | a/../b/  | task://parent_1/hls/          | input_files | 'a/../b/' is not a folder name",
      "an absolute folder name        | /tmp/x/  | task://parent_1/hls/          | input_files | '/tmp/x/' is not a folder name",
      "'..' in the folder URL         | hls/     | task://parent_1/../hls/       | input_files | 'hls/' URL",
  })
  void a_mismatched_or_hostile_folder_input_is_refused_naming_the_field(String what, String name, String url,
      String field, String message) {
    assertThatThrownBy(() -> remux().input(name, url).build())
        .isInstanceOfSatisfying(InvalidTaskException.class, e -> {
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.getMessage()).contains(message);
        });
  }

  @Test
  void no_output_or_other_input_may_overlap_a_folder_input() {
    assertThatThrownBy(() -> remux().input("hls/", PARENT, "hls/").output("hls/").build())
        .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("output_files"));
    assertThatThrownBy(() -> TaskRequest.builder().command("-i hls/index.m3u8 hls").input("hls/", PARENT, "hls/")
        .output("hls").build()).hasMessageContaining("'hls' overlaps the folder input 'hls/'");
    assertThatThrownBy(() -> remux().input("hls/", PARENT, "hls/").input("hls/x/", PARENT, "x/").build())
        .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("input_files"));
  }
}
