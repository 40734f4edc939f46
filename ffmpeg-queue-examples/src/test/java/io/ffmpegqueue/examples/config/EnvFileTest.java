package io.ffmpegqueue.examples.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvFileTest {
  @TempDir
  Path dir;

  @Test
  void reads_bare_quoted_and_exported_values_and_skips_comments() throws Exception {
    Path f = Files.writeString(dir.resolve(".env"), String.join("\n",
        "# a comment",
        "",
        "PORT=9000",
        "export NUM_WORKERS=4",
        "S3_PREFIX = videos  # inline comment",
        "API_TOKEN='single # not a comment'",
        "LOG_LEVEL=\"de\\\"bug\"",
        "EMPTY=",
        "URL=http://host/path#fragment"));
    assertThat(EnvFile.read(f))
        .containsEntry("PORT", "9000")
        .containsEntry("NUM_WORKERS", "4")
        .containsEntry("S3_PREFIX", "videos")
        .containsEntry("API_TOKEN", "single # not a comment")
        .containsEntry("LOG_LEVEL", "de\"bug")
        .containsEntry("EMPTY", "")
        .containsEntry("URL", "http://host/path#fragment");
  }

  @Test
  void a_line_that_is_not_key_equals_value_names_the_file_and_line() throws Exception {
    Path f = Files.writeString(dir.resolve(".env"), "PORT=1\nthis is wrong\n");
    assertThatThrownBy(() -> EnvFile.read(f)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(".env line 2: ");
    Path g = Files.writeString(dir.resolve("g.env"), "A='open\n");
    assertThatThrownBy(() -> EnvFile.read(g)).hasMessageContaining("unterminated");
  }

  @Test
  void a_missing_file_has_no_variables() {
    assertThat(EnvFile.read(dir.resolve("nope"))).isEmpty();
  }
}
