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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A playlist inside a folder input may name only files inside that folder: checked before ffmpeg starts. */
class FolderInputCheckTest {
  @TempDir
  Path workspace;

  private void check(String playlist) throws Exception {
    Path hls = Files.createDirectories(workspace.resolve("hls/720p"));
    Files.writeString(hls.resolve("index.m3u8"), playlist);
    Files.writeString(workspace.resolve("hls/master.m3u8"), "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n720p/index.m3u8\n");
    FolderInputCheck.check(workspace, List.of("in.mp4", "hls/"));
  }

  @Test
  void playlists_naming_files_inside_the_folder_pass() {
    assertThatCode(() -> check("#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:1,\nseg_000.m4s\n#EXTINF:1,\n../720p/seg_001.m4s\n"))
        .doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "an absolute path      | /etc/passwd                    | is an absolute path",
      "a climb out           | ../../../secret.ts             | climbs out of the folder input",
      "a URL                 | http://169.254.169.254/x.ts    | names a URL",
      "a file: URL           | file:seg.ts                    | names a URL",
      "a query               | seg.ts?x=1                     | is not a relative name",
  })
  void a_playlist_naming_anything_else_fails_the_task(String what, String uri, String message) {
    for (String playlist : List.of("#EXTM3U\n#EXTINF:1,\n" + uri + "\n",
        "#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI=\"" + uri + "\"\n#EXTINF:1,\nseg.ts\n")) {
      assertThatThrownBy(() -> check(playlist))
          .isInstanceOfSatisfying(TaskFailureException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INPUT);
            assertThat(e.getMessage()).contains("input 'hls/'", "'hls/720p/index.m3u8'", message);
          });
    }
  }
}
