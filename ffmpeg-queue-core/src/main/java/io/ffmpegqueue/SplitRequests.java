package io.ffmpegqueue;

import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import io.ffmpegqueue.ffmpeg.SplitCheck;
import io.ffmpegqueue.ffmpeg.SplitCommand;
import java.util.List;

/** The registration check of a request with {@link Split}: its command can be split and writes its one output. */
final class SplitRequests {
  private SplitRequests() {}

  static void check(String command, List<String> outputs) {
    if (command == null) {
      throw new InvalidTaskException("split", "a join (a task without a command) has no encode to split");
    }
    SplitCommand c = SplitCheck.check(FfmpegCommand.parse(command));
    if (outputs.size() != 1 || !outputs.get(0).equals(c.outputUrl())) {
      throw new InvalidTaskException("split", "a split task has one output, the command's '" + c.outputUrl()
          + "'; the request declares " + outputs);
    }
  }
}
