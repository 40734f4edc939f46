package io.ffmpegqueue.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.examples.support.TestFfmpeg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's embedding example runs as written, in its own JVM, and produces a video. */
class EmbeddingExampleIT {
  @TempDir
  Path dir;

  @Test
  void the_embedding_example_runs_a_task_and_prints_completed() throws Exception {
    Path media = Files.createDirectories(dir.resolve("media"));
    TestFfmpeg.makeClip(media.resolve("video.mp4"), 1);
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), EmbeddingExample.class.getName()));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("done: file:").contains("completed file:");
    try (Stream<Path> files = Files.walk(dir.resolve("ffmpeg-outputs"))) {
      assertThat(files.filter(f -> f.endsWith("output.mp4")).toList()).hasSize(1);
    }
  }
}
