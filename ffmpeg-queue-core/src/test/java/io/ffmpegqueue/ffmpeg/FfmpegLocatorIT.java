package io.ffmpegqueue.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.FfmpegQueueException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FfmpegLocatorIT {
  @TempDir
  Path dir;

  private Path fakeFfmpeg(String folder, String versionLine) throws Exception {
    Path d = Files.createDirectories(dir.resolve(folder));
    Path f = d.resolve("ffmpeg");
    Files.writeString(f, "#!/bin/sh\necho '" + versionLine + "'\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    return f;
  }

  @Test
  void without_ffmpeg_on_the_path_the_bundled_binaries_are_used_and_checked() {
    FfmpegInstallation i = FfmpegLocator.builder().environment(Map.of("PATH", dir.toString())).build().locate();
    assertThat(i.source()).isEqualTo("bundled org.bytedeco:ffmpeg");
    assertThat(i.version()).startsWith("7.1");
    assertThat(i.majorVersion()).isEqualTo(7);
    assertThat(i.ffprobe()).isNotNull();
    assertThat(i.ffmpeg().toString()).contains(".javacpp");
  }

  @Test
  void an_ffmpeg_on_the_path_comes_before_the_bundled_one() throws Exception {
    Path fake = fakeFfmpeg("bin", "ffmpeg version 6.1.1 Copyright (c) 2000-2023");
    FfmpegInstallation i = FfmpegLocator.builder().environment(Map.of("PATH", fake.getParent().toString())).build().locate();
    assertThat(i.source()).isEqualTo("PATH");
    assertThat(i.ffmpeg()).isEqualTo(fake.toRealPath());
    assertThat(i.version()).isEqualTo("6.1.1");
  }

  @Test
  void ffmpeg_path_comes_before_the_path_and_may_name_a_folder() throws Exception {
    Path onPath = fakeFfmpeg("bin", "ffmpeg version 6.1.1 Copyright");
    Path env = fakeFfmpeg("env", "ffmpeg version n7.0.2 Copyright");
    FfmpegInstallation i = FfmpegLocator.builder()
        .environment(Map.of("PATH", onPath.getParent().toString(), "FFMPEG_PATH", env.getParent().toString()))
        .build().locate();
    assertThat(i.source()).isEqualTo("FFMPEG_PATH");
    assertThat(i.majorVersion()).isEqualTo(7);
  }

  @Test
  void an_explicit_path_that_is_not_usable_fails_with_a_clear_message() throws Exception {
    assertThatThrownBy(() -> FfmpegLocator.builder().ffmpeg(dir.resolve("nope")).build().locate())
        .isInstanceOf(FfmpegQueueException.class)
        .hasMessageContaining("ffmpeg from explicit path")
        .hasMessageContaining("does not exist");
    Path broken = fakeFfmpeg("broken", "not ffmpeg at all");
    assertThatThrownBy(() -> FfmpegLocator.builder().ffmpeg(broken).build().locate())
        .hasMessageContaining("does not run");
  }

  @Test
  void a_too_old_ffmpeg_is_refused() throws Exception {
    Path old = fakeFfmpeg("old", "ffmpeg version 4.4.2 Copyright");
    assertThatThrownBy(() -> FfmpegLocator.builder().environment(Map.of("FFMPEG_PATH", old.toString())).build().locate())
        .hasMessageContaining("is version 4.4.2; at least 5.0 is required");
  }

  @Test
  void when_nothing_is_usable_the_message_says_what_was_tried() {
    assertThatThrownBy(() -> FfmpegLocator.builder().environment(Map.of("PATH", dir.toString())).bundled(false).build().locate())
        .isInstanceOf(FfmpegQueueException.class)
        .hasMessageContaining("no usable ffmpeg found")
        .hasMessageContaining("FFMPEG_PATH (not set)")
        .hasMessageContaining("PATH (no ffmpeg in " + dir)
        .hasMessageContaining("org.bytedeco:ffmpeg");
  }
}
