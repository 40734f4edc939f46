package io.ffmpegqueue.ffmpeg;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The argument list the runner gives ffmpeg: the task's command with the runtime defences added. Global
 * options come first (ffmpeg applies them wherever they stand), then {@code -nostats -progress pipe:1}
 * for progress on stdout, {@code -y} unless the command chose, and before each {@code -i} a
 * {@code -protocol_whitelist file} and a {@code -format_whitelist} of the policy's demuxers. No
 * {@code -nostdin}: stdin is how the runner asks ffmpeg to stop.
 */
public final class FfmpegArguments {
  private FfmpegArguments() {}

  /** The arguments (without the program) for {@code command}, whose inputs may use {@code inputFormats}. */
  public static List<String> build(FfmpegCommand command, Set<String> inputFormats) {
    return build(command, inputFormats, List.of());
  }

  /**
   * {@link #build(FfmpegCommand, Set)} for a task with the declared inputs {@code inputs}: an input read from
   * inside a folder input ({@code -i hls/index.m3u8}, see {@link io.ffmpegqueue.InputFolders}) may also use the
   * {@code hls} demuxer, whose segments open with the same whitelists (the runner checks the folder's playlists
   * before ffmpeg starts).
   */
  public static List<String> build(FfmpegCommand command, Set<String> inputFormats, List<String> inputs) {
    String allFormats = String.join(",", new TreeSet<>(inputFormats));
    List<String> args = new ArrayList<>(command.arguments().size() + 8 + 4 * command.inputs().size());
    args.addAll(List.of("-hide_banner", "-nostats", "-progress", "pipe:1"));
    boolean overwriteChosen = false;
    for (FfmpegCommand.Option o : command.globalOptions()) {
      overwriteChosen |= o.name().equals("y") || o.name().equals("n");
      add(args, o);
    }
    if (!overwriteChosen) {
      // ffmpeg would otherwise ask on stdin whether to overwrite, and wait.
      args.add("-y");
    }
    for (FfmpegCommand.Input in : command.inputs()) {
      for (FfmpegCommand.Option o : in.options()) {
        add(args, o);
      }
      String format = in.format();
      String formats = format != null ? format.toLowerCase(Locale.ROOT)
          : io.ffmpegqueue.InputFolders.containing(inputs, in.url()) != null ? "hls," + allFormats : allFormats;
      args.addAll(List.of("-protocol_whitelist", "file", "-format_whitelist", formats, "-i", in.url()));
    }
    for (FfmpegCommand.Output out : command.outputs()) {
      for (FfmpegCommand.Option o : out.options()) {
        add(args, o);
      }
      args.add(out.url());
    }
    for (FfmpegCommand.Option o : command.trailingOptions()) {
      add(args, o);
    }
    return args;
  }

  private static void add(List<String> args, FfmpegCommand.Option o) {
    args.add("-" + o.name());
    if (o.value() != null) {
      args.add(o.value());
    }
  }
}
