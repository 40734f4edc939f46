package io.ffmpegqueue.ffmpeg;

import io.ffmpegqueue.spi.TaskContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One ffmpeg run: the checked command, the workspace that holds its inputs and receives its outputs, and
 * the task's context (progress, stop signal, deadline).
 *
 * @param command the parsed command, already accepted by the policy
 * @param workspace the folder with the fetched inputs; the outputs are written here
 * @param inputs the declared input names (files in {@code workspace})
 * @param outputs the declared output names
 * @param context the task's context
 */
public record FfmpegJob(FfmpegCommand command, Path workspace, List<String> inputs, List<String> outputs, TaskContext context) {
  /** Checks and copies. */
  public FfmpegJob {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(context, "context");
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }
}
