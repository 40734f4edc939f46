package io.ffmpegqueue.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputSnifferTest {
  @TempDir
  Path dir;

  @Test
  void playlists_are_recognised_by_their_first_bytes() {
    assertThat(InputSniffer.playlistKind("#EXTM3U\n#EXTINF:1,\n/etc/passwd")).isEqualTo("hls");
    assertThat(InputSniffer.playlistKind("\u00ef\u00bb\u00bf  #EXTM3U")).isEqualTo("hls");
    assertThat(InputSniffer.playlistKind("ffconcat version 1.0\nfile /etc/passwd")).isEqualTo("concat");
    assertThat(InputSniffer.playlistKind("<?xml version=\"1.0\"?><MPD xmlns=")).isEqualTo("dash");
    assertThat(InputSniffer.playlistKind("<?xml?><CompositionPlaylist")).isEqualTo("imf");
    assertThat(InputSniffer.playlistKind("\u0000\u0000\u0000\u0018ftypisom")).isNull();
  }

  @Test
  void a_declared_input_that_is_a_playlist_fails_the_task_unless_the_policy_allows_it() throws Exception {
    Files.writeString(dir.resolve("in.mp4"), "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n/etc/passwd\n");
    assertThatThrownBy(() -> InputSniffer.check(dir, List.of("in.mp4", "absent.mp4"), CommandPolicy.strict()))
        .isInstanceOf(TaskFailureException.class)
        .hasMessageContaining("input 'in.mp4' is a playlist (hls)")
        .satisfies(e -> assertThat(((TaskFailureException) e).kind()).isEqualTo(ErrorKind.INPUT));
    assertThatCode(() -> InputSniffer.check(dir, List.of("in.mp4"), CommandPolicy.builder().allowInputFormats("hls").build()))
        .doesNotThrowAnyException();
  }
}
