package io.ffmpegqueue.ffmpeg;

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

/** The key info file's content, checked before ffmpeg starts: only a declared 16-byte key, by its bare name. */
class KeyInfoCheckTest {
  private static final FfmpegCommand COMMAND = FfmpegCommand.parse(
      "-i in.mp4 -f hls -hls_key_info_file key.info -hls_segment_filename hls/s_%d.ts hls/index.m3u8");
  private static final List<String> INPUTS = List.of("in.mp4", "key.info", "enc.key");

  @TempDir
  Path workspace;

  private void check(String info) throws Exception {
    Files.write(workspace.resolve("enc.key"), new byte[16]);
    Files.writeString(workspace.resolve("key.info"), info);
    KeyInfoCheck.check(COMMAND, workspace, INPUTS);
  }

  @Test
  void a_key_info_file_naming_a_declared_16_byte_key_passes() {
    assertThatCode(() -> check("https://keys.example.com/k1\nenc.key\n000102030405060708090a0b0c0d0e0f\n"))
        .doesNotThrowAnyException();
    assertThatCode(() -> check("k1\r\nenc.key  \r\n")).doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "an absolute path       | k\\n/etc/ssl/private/key.pem\\n             | is an absolute path",
      "a climb out            | k\\n../other/enc.key\\n                     | is a path",
      "a path inside a folder | k\\nhls/enc.key\\n                          | is a path",
      "an undeclared name     | k\\nother.key\\n                            | is not a declared input",
      "a URL                  | k\\nhttp://169.254.169.254/latest/x\\n      | is a URL",
      "a file: URL            | k\\nfile:enc.key\\n                         | is a URL",
      "the info file itself   | k\\nkey.info\\n                             | line 2 names the key file 'key.info'",
      "a carriage return      | k\\renc.key\\r/etc/passwd\\n               | line 3 (the IV)",
      "no key line            | k\\n                                      | line 2 (the key file) is empty",
      "no key URI             | \\nenc.key\\n                             | line 1 (the key URI",
      "a quote in the URI     | a\"b\\nenc.key\\n                         | must not hold",
      "a bad IV               | k\\nenc.key\\nzz0102030405060708090a0b0c0d0e0f | line 3 (the IV) must be 32 hex digits",
  })
  void a_hostile_key_info_file_is_refused_naming_the_option(String what, String info, String message) {
    assertThatThrownBy(() -> check(info.strip().replace("\\n", "\n").replace("\\r", "\r")))
        .isInstanceOfSatisfying(TaskFailureException.class, e -> {
          org.assertj.core.api.Assertions.assertThat(e.kind()).isEqualTo(ErrorKind.INPUT);
          org.assertj.core.api.Assertions.assertThat(e.getMessage())
              .contains("'-hls_key_info_file key.info'", message.strip());
        });
  }

  @Test
  void a_key_of_another_size_or_an_undeclared_info_file_is_refused() throws Exception {
    Files.write(workspace.resolve("enc.key"), new byte[15]);
    Files.writeString(workspace.resolve("key.info"), "k\nenc.key\n");
    assertThatThrownBy(() -> KeyInfoCheck.check(COMMAND, workspace, INPUTS))
        .hasMessageContaining("must hold exactly 16 bytes");
    assertThatThrownBy(() -> KeyInfoCheck.check(COMMAND, workspace, List.of("in.mp4", "enc.key")))
        .hasMessageContaining("'key.info' is not a declared input");
  }
}
