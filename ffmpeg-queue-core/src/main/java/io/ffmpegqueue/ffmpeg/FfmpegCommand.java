package io.ffmpegqueue.ffmpeg;

import io.ffmpegqueue.InvalidTaskException;
import java.util.ArrayList;
import java.util.List;

/**
 * An ffmpeg command split into arguments the way a POSIX shell splits words (quotes and backslash
 * escapes), and nothing else: no variables, no globbing, no command substitution. {@code ;}, {@code |}
 * and {@code $(...)} are plain characters. The process is started from this list, never through a shell.
 *
 * @param arguments the arguments, without the program name
 */
public record FfmpegCommand(List<String> arguments) {
  /** Copies the list. */
  public FfmpegCommand {
    arguments = List.copyOf(arguments);
  }

  /**
   * Splits {@code command} into arguments.
   *
   * @throws InvalidTaskException on an unterminated quote or a trailing backslash
   */
  public static FfmpegCommand parse(String command) {
    List<String> args = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inWord = false;
    int i = 0;
    int n = command.length();
    while (i < n) {
      char c = command.charAt(i);
      if (c == '\'') {
        int end = command.indexOf('\'', i + 1);
        if (end < 0) {
          throw new InvalidTaskException("command", "unterminated single quote at position " + i);
        }
        cur.append(command, i + 1, end);
        inWord = true;
        i = end + 1;
      } else if (c == '"') {
        i++;
        boolean closed = false;
        while (i < n) {
          char d = command.charAt(i);
          if (d == '"') {
            closed = true;
            i++;
            break;
          }
          if (d == '\\' && i + 1 < n && "\"\\$`\n".indexOf(command.charAt(i + 1)) >= 0) {
            if (command.charAt(i + 1) != '\n') {
              cur.append(command.charAt(i + 1));
            }
            i += 2;
          } else {
            cur.append(d);
            i++;
          }
        }
        if (!closed) {
          throw new InvalidTaskException("command", "unterminated double quote");
        }
        inWord = true;
      } else if (c == '\\') {
        if (i + 1 >= n) {
          throw new InvalidTaskException("command", "ends with a lone backslash");
        }
        if (command.charAt(i + 1) != '\n') {
          cur.append(command.charAt(i + 1));
          inWord = true;
        }
        i += 2;
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (inWord) {
          args.add(cur.toString());
          cur.setLength(0);
          inWord = false;
        }
        i++;
      } else {
        cur.append(c);
        inWord = true;
        i++;
      }
    }
    if (inWord) {
      args.add(cur.toString());
    }
    if (args.isEmpty()) {
      throw new InvalidTaskException("command", "has no arguments");
    }
    return new FfmpegCommand(args);
  }
}
