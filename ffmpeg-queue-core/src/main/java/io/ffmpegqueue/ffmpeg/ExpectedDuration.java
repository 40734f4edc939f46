package io.ffmpegqueue.ffmpeg;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long the first output will be, for progress fractions: its {@code -t}/{@code -to} when given, else
 * the longest input (after its {@code -ss}, {@code -t}, {@code -to}, {@code -stream_loop}). Input
 * durations come from ffmpeg's {@code Duration:} lines on stderr, or from ffprobe.
 */
final class ExpectedDuration {
  private static final Pattern INPUT = Pattern.compile("^Input #(\\d+),");
  private static final Pattern DURATION = Pattern.compile("^\\s*Duration: ([0-9:.]+),");

  private final FfmpegCommand command;
  private final Map<Integer, Double> inputs = new ConcurrentHashMap<>();
  private volatile int currentInput = -1;

  /** The estimate for {@code command}. */
  public ExpectedDuration(FfmpegCommand command) {
    this.command = command;
  }

  /** Takes one stderr line; remembers {@code Duration:} lines of the input sections. */
  public void acceptStderrLine(String line) {
    Matcher m = INPUT.matcher(line);
    if (m.find()) {
      currentInput = Integer.parseInt(m.group(1));
      return;
    }
    if (line.startsWith("Output #")) {
      currentInput = -1;
      return;
    }
    int idx = currentInput;
    if (idx >= 0) {
      Matcher d = DURATION.matcher(line);
      if (d.find()) {
        Double s = FfmpegTime.seconds(d.group(1));
        if (s != null && s > 0) {
          inputs.putIfAbsent(idx, s);
        }
      }
    }
  }

  /** Records the duration of input {@code index}. */
  public void inputDuration(int index, double seconds) {
    if (seconds > 0) {
      inputs.put(index, seconds);
    }
  }

  /** The expected output duration in seconds, or -1 when unknown. */
  public double seconds() {
    if (command.outputs().isEmpty()) {
      return -1;
    }
    List<FfmpegCommand.Option> out = command.outputs().get(0).options();
    double outStart = orZero(FfmpegTime.seconds(value(out, "ss")));
    Double t = FfmpegTime.seconds(value(out, "t"));
    if (t != null && t > 0) {
      return t;
    }
    Double to = FfmpegTime.seconds(value(out, "to"));
    if (to != null && to - outStart > 0) {
      return to - outStart;
    }
    double longest = -1;
    for (int i = 0; i < command.inputs().size(); i++) {
      Double d = inputs.get(i);
      if (d == null) {
        continue;
      }
      List<FfmpegCommand.Option> in = command.inputs().get(i).options();
      double start = orZero(FfmpegTime.seconds(value(in, "ss")));
      double len = d - start;
      Double it = FfmpegTime.seconds(value(in, "t"));
      if (it != null && it > 0) {
        len = Math.min(len, it);
      }
      Double ito = FfmpegTime.seconds(value(in, "to"));
      if (ito != null && ito > start) {
        len = Math.min(len, ito - start);
      }
      String loop = value(in, "stream_loop");
      if (loop != null) {
        try {
          int n = Integer.parseInt(loop.trim());
          if (n < 0) {
            continue; // loops forever
          }
          len *= n + 1;
        } catch (NumberFormatException ignored) {
          // ffmpeg will refuse it
        }
      }
      longest = Math.max(longest, len);
    }
    return longest > 0 ? Math.max(longest - outStart, -1) : -1;
  }

  private static String value(List<FfmpegCommand.Option> options, String name) {
    String v = null;
    for (FfmpegCommand.Option o : options) {
      if (o.name().equals(name)) {
        v = o.value();
      }
    }
    return v;
  }

  private static double orZero(Double d) {
    return d == null ? 0 : d;
  }
}
