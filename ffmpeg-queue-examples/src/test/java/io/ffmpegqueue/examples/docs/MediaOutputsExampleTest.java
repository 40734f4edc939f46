package io.ffmpegqueue.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.examples.MediaOutputsExample;
import io.ffmpegqueue.ffmpeg.CommandPolicy;
import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

/** The requests docs/media-outputs.md shows pass the strict command policy as they are. */
class MediaOutputsExampleTest {
  @Test
  void every_media_outputs_example_passes_the_strict_policy() {
    assertThat(MediaOutputsExample.all()).hasSize(7);
    for (TaskRequest r : MediaOutputsExample.all()) {
      assertThatCode(() -> CommandPolicy.strict().check(FfmpegCommand.parse(r.command()), r.inputs().keySet(),
          new HashSet<>(r.outputs()))).as(r.command()).doesNotThrowAnyException();
    }
  }
}
