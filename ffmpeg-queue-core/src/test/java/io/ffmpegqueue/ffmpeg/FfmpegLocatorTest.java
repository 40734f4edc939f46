package io.ffmpegqueue.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FfmpegLocatorTest {
  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(nullValues = "none", value = {
      "Linux, amd64, linux-x86_64-gpl",
      "Linux, aarch64, linux-arm64-gpl",
      "Mac OS X, x86_64, macosx-x86_64-gpl",
      "Mac OS X, aarch64, macosx-arm64-gpl",
      "Windows 11, amd64, windows-x86_64-gpl",
      "Windows 11, aarch64, none",
      "Linux, ppc64le, none",
      "FreeBSD, amd64, none",
  })
  void the_bundled_classifier_is_the_platforms_gpl_build(String osName, String osArch, String classifier) {
    assertThat(FfmpegLocator.bundledClassifier(osName, osArch)).isEqualTo(classifier);
  }

  @org.junit.jupiter.api.Test
  void without_any_ffmpeg_the_error_names_this_platforms_jars_to_add() {
    String classifier = FfmpegLocator.bundledClassifier();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> FfmpegLocator.builder().environment(java.util.Map.of()).bundled(false).build().locate())
        .isInstanceOf(io.ffmpegqueue.FfmpegQueueException.class)
        .hasMessageContaining("bundled org.bytedeco:ffmpeg (disabled)")
        .hasMessageContaining(classifier == null ? "has no build for"
            : "org.bytedeco:ffmpeg:7.1-1.5.11 (classifier " + classifier + ") and org.bytedeco:javacpp:1.5.11"
                + " (classifier " + classifier.replace("-gpl", "") + ")");
  }
}
