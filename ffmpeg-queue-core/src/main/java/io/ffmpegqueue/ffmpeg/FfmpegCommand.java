package io.ffmpegqueue.ffmpeg;

import io.ffmpegqueue.InvalidTaskException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An ffmpeg command: its arguments, split the way a POSIX shell splits words (quotes and backslash
 * escapes) and nothing else (no variables, no globbing, no command substitution, no comments; {@code ;},
 * {@code |} and {@code $(...)} are plain characters), and their structure as ffmpeg reads them: global
 * options, then each input ({@code -i} with the options before it) and each output (a file name with the
 * options before it). The process is started from {@link #arguments()}, never through a shell.
 *
 * <pre>{@code
 * FfmpegCommand c = FfmpegCommand.parse("-y -ss 2 -i input.mp4 -vf 'scale=640:-2' -c:a copy output.mp4");
 * c.globalOptions();             // [-y]
 * c.inputs().get(0).url();       // "input.mp4", with options [-ss 2]
 * c.outputs().get(0).url();      // "output.mp4", with options [-vf scale=640:-2, -c:a copy]
 * }</pre>
 *
 * <p>An option takes a value unless ffmpeg's own table says it is a flag ({@code -y}, {@code -an},
 * {@code -nostdin}, ...), exactly as ffmpeg decides, so the structure seen here is the one ffmpeg acts on.
 */
public final class FfmpegCommand {
  private final List<String> arguments;
  private final List<Option> globalOptions;
  private final List<Input> inputs;
  private final List<Output> outputs;
  private final List<Option> trailingOptions;

  private FfmpegCommand(List<String> arguments) {
    this.arguments = List.copyOf(arguments);
    // Lists made when first needed and sized for the usual command (one or two inputs and outputs, a few
    // options each): every submission parses its command.
    List<Option> globals = null;
    List<Input> ins = new ArrayList<>(2);
    List<Output> outs = new ArrayList<>(2);
    List<Option> pending = null;
    int n = this.arguments.size();
    for (int i = 0; i < n; i++) {
      String arg = this.arguments.get(i);
      if (arg.length() > 1 && arg.charAt(0) == '-') {
        String name = arg.substring(1);
        String base = Option.baseOf(name);
        boolean takesValue = name.equals("i") || name.startsWith("/") || FfmpegOptions.takesValue(base);
        String value = null;
        if (takesValue) {
          if (i + 1 >= n) {
            throw new InvalidTaskException("command", "option '" + arg + "' needs a value");
          }
          value = this.arguments.get(++i);
        }
        if (name.equals("i")) {
          ins.add(new Input(pending == null ? List.of() : pending, value));
          pending = null;
        } else if (FfmpegOptions.isGlobal(base)) {
          if (globals == null) {
            globals = new ArrayList<>(4);
          }
          globals.add(new Option(name, value));
        } else {
          if (pending == null) {
            pending = new ArrayList<>(8);
          }
          pending.add(new Option(name, value));
        }
      } else {
        outs.add(new Output(pending == null ? List.of() : pending, arg));
        pending = null;
      }
    }
    this.globalOptions = globals == null ? List.of() : List.copyOf(globals);
    this.inputs = List.copyOf(ins);
    this.outputs = List.copyOf(outs);
    this.trailingOptions = pending == null ? List.of() : List.copyOf(pending);
  }

  /**
   * Splits {@code command} into arguments and reads their structure.
   *
   * @throws InvalidTaskException on an unterminated quote, a trailing backslash, an empty command or an
   *     option without its value
   */
  public static FfmpegCommand parse(String command) {
    return new FfmpegCommand(split(command));
  }

  /**
   * A command from arguments already split.
   *
   * @throws InvalidTaskException when an option lacks its value
   */
  public static FfmpegCommand of(List<String> arguments) {
    if (arguments.isEmpty()) {
      throw new InvalidTaskException("command", "has no arguments");
    }
    return new FfmpegCommand(arguments);
  }

  /** The arguments, without the program name. */
  public List<String> arguments() {
    return arguments;
  }

  /** Options of the whole program ({@code -y}, {@code -filter_complex}, {@code -loglevel}, ...), wherever they stand. */
  public List<Option> globalOptions() {
    return globalOptions;
  }
  /**
   * Whether the command's log level ({@code -loglevel}/{@code -v}) hides ffmpeg's {@code Duration:} lines (below
   * {@code info}), so that the runner learns the inputs' durations from ffprobe instead.
   */
  public boolean logHidesDurations() {
    String level = null;
    for (FfmpegCommand.Option o : globalOptions()) {
      if (o.name().equals("loglevel") || o.name().equals("v")) {
        level = o.value();
      }
    }
    if (level == null) {
      return false;
    }
    String l = level.substring(level.lastIndexOf('+') + 1).trim();
    switch (l) {
      case "quiet", "panic", "fatal", "error", "warning" -> {
        return true;
      }
      case "info", "verbose", "debug", "trace", "" -> {
        return false;
      }
      default -> {
        try {
          return Integer.parseInt(l) < 32;
        } catch (NumberFormatException e) {
          return false;
        }
      }
    }
  }


  /** The inputs, in order; input {@code k} is ffmpeg's input file index {@code k}. */
  public List<Input> inputs() {
    return inputs;
  }

  /** The outputs, in order. */
  public List<Output> outputs() {
    return outputs;
  }

  /** Options after the last output, which ffmpeg ignores with a warning. */
  public List<Option> trailingOptions() {
    return trailingOptions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FfmpegCommand c && c.arguments.equals(arguments);
  }

  @Override
  public int hashCode() {
    return arguments.hashCode();
  }

  @Override
  public String toString() {
    return String.join(" ", arguments);
  }

  /**
   * One option as written, without its leading {@code -}.
   *
   * @param name the name with any stream specifier ({@code c:v}) or file prefix ({@code /vf})
   * @param value its value, or {@code null} for a flag
   */
  public record Option(String name, String value) {
    /** Checks the name. */
    public Option {
      Objects.requireNonNull(name, "name");
    }

    /** The name without stream specifier and {@code /} prefix ({@code c:v} -> {@code c}). */
    public String baseName() {
      return baseOf(name);
    }

    /** The stream specifier ({@code v} of {@code c:v}), or {@code null}. */
    public String streamSpecifier() {
      int colon = name.indexOf(':');
      return colon < 0 ? null : name.substring(colon + 1);
    }

    /** Whether the value names a file to read the real value from (ffmpeg 7's {@code -/filter file} form). */
    public boolean valueFromFile() {
      return name.startsWith("/");
    }

    /** The option as ffmpeg means it: the base name without a negating {@code no} ({@code nostdin} -> {@code stdin}). */
    public String canonicalName() {
      return FfmpegOptions.canonical(baseName());
    }

    static String baseOf(String name) {
      String n = name.startsWith("/") ? name.substring(1) : name;
      int colon = n.indexOf(':');
      return colon < 0 ? n : n.substring(0, colon);
    }
  }

  /**
   * One input: the value of {@code -i} and the options written before it.
   *
   * @param options the input's options
   * @param url what {@code -i} names
   */
  public record Input(List<Option> options, String url) {
    /** Copies the options. */
    public Input {
      options = List.copyOf(options);
      Objects.requireNonNull(url, "url");
    }

    /** The forced format ({@code -f}), or {@code null}. */
    public String format() {
      return lastValue(options, "f");
    }
  }

  /**
   * One output: a file name and the options written before it.
   *
   * @param options the output's options
   * @param url the output file name
   */
  public record Output(List<Option> options, String url) {
    /** Copies the options. */
    public Output {
      options = List.copyOf(options);
      Objects.requireNonNull(url, "url");
    }

    /** The forced format ({@code -f}), or {@code null}. */
    public String format() {
      return lastValue(options, "f");
    }
  }

  /** The value of the last option named exactly {@code name} (no stream specifier), or {@code null}. */
  static String lastValue(List<Option> options, String name) {
    String v = null;
    for (Option o : options) {
      if (o.name().equals(name)) {
        v = o.value();
      }
    }
    return v;
  }

  private static List<String> split(String command) {
    // Room for a typical command's words at once, rather than growing the list twice.
    List<String> args = new ArrayList<>(Math.min(command.length() / 4 + 1, 32));
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
    return args;
  }
}
