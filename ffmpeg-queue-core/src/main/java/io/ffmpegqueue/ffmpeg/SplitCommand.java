package io.ffmpegqueue.ffmpeg;

import java.util.List;
import java.util.Objects;

/**
 * A command that {@link SplitCheck} found safe to encode in time ranges: its one input and one output,
 * and the output's options sorted by what they act on. The video options are given to every video part,
 * the audio options to the one audio part, the container options to the stitch.
 *
 * @param inputUrl the input's file name
 * @param inputFormat the input's forced format ({@code -f}), or {@code null}
 * @param outputUrl the output's file name
 * @param videoOptions the options of the video encode, filters included, in the order written
 * @param audioOptions the options of the audio encode, in the order written
 * @param containerOptions the options of the output file as a whole ({@code -movflags}, {@code -metadata}, {@code -f})
 * @param audio whether the output is to have audio (no {@code -an})
 */
public record SplitCommand(String inputUrl, String inputFormat, String outputUrl,
    List<FfmpegCommand.Option> videoOptions, List<FfmpegCommand.Option> audioOptions,
    List<FfmpegCommand.Option> containerOptions, boolean audio) {
  /** Checks and copies. */
  public SplitCommand {
    Objects.requireNonNull(inputUrl, "inputUrl");
    Objects.requireNonNull(outputUrl, "outputUrl");
    videoOptions = List.copyOf(videoOptions);
    audioOptions = List.copyOf(audioOptions);
    containerOptions = List.copyOf(containerOptions);
  }

  /** The output's extension with its dot ({@code ".mp4"}), which the parts share so the codecs fit the container. */
  public String extension() {
    int dot = outputUrl.lastIndexOf('.');
    return dot < 0 ? "" : outputUrl.substring(dot);
  }
}
