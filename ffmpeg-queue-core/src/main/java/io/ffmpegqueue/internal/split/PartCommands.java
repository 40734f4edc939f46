package io.ffmpegqueue.internal.split;

import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import io.ffmpegqueue.ffmpeg.SplitCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ffmpeg commands of a split task, made from the user's {@link SplitCommand}: the probe (a packet
 * listing of the input, no decoding), one video part per {@link SplitPlan.Part} (decoded from the keyframe
 * at or before its first frame, so a cut need not be a keyframe, and exactly its frames kept), the audio part
 * (the whole audio once, so no join can click or leave a gap), and the stitch (the concat demuxer joins the
 * parts with {@code -c copy} and the audio is muxed beside them).
 */
public final class PartCommands {
  /** The probe's output file. */
  public static final String PROBE_OUTPUT = "probe.txt";
  /** The audio part's file name without extension. */
  public static final String AUDIO_NAME = "audio";
  /** The stitch's list of video parts. */
  public static final String CONCAT_LIST = "parts.ffconcat";

  private final SplitCommand command;

  /** The commands for {@code command}. */
  public PartCommands(SplitCommand command) {
    this.command = command;
  }

  /** The user's command, as split. */
  public SplitCommand command() {
    return command;
  }

  /** The name of part {@code index}'s file. */
  public String partName(int index) {
    return String.format(Locale.ROOT, "part-%05d%s", index, command.extension());
  }

  /** The audio part's file name. */
  public String audioName() {
    return AUDIO_NAME + command.extension();
  }

  /** Lists the input's video and audio packets (times, sizes, keyframe flags) in {@link #PROBE_OUTPUT}. */
  public FfmpegCommand probe() {
    List<String> a = input(0);
    a.addAll(List.of("-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", "-f", "framecrc", PROBE_OUTPUT));
    return FfmpegCommand.of(a);
  }

  /** The command that encodes {@code part}'s frames, and only those, into {@link #partName}. */
  public FfmpegCommand part(SplitPlan.Part part) {
    List<String> a = input(part.seekSeconds());
    // passthrough: one output frame per input frame at its own time (no frame-rate conversion may add or
    // drop one); the input's time base, so variable frame rates keep their exact times.
    a.addAll(List.of("-map", "0:v:0", "-an", "-sn", "-dn", "-frames:v", Integer.toString(part.frames()),
        "-fps_mode", "passthrough", "-enc_time_base:v", "-1"));
    add(a, command.videoOptions());
    a.add(partName(part.index()));
    return FfmpegCommand.of(a);
  }

  /** The command that encodes the whole audio once into {@link #audioName}. */
  public FfmpegCommand audio() {
    List<String> a = input(0);
    a.addAll(List.of("-map", "0:a:0", "-vn", "-sn", "-dn"));
    add(a, command.audioOptions());
    a.add(audioName());
    return FfmpegCommand.of(a);
  }

  /**
   * The concat list of the parts: each part's file and its duration from the plan (the time from its first
   * frame to the next part's), so each part starts exactly where its frames stood in the input.
   */
  public String concatList(SplitPlan plan) {
    return concatList(plan.parts().stream().map(SplitPlan.Part::durationSeconds).toList());
  }

  /** {@link #concatList(SplitPlan)} from the parts' durations in seconds, in order. */
  public String concatList(List<Double> durations) {
    StringBuilder sb = new StringBuilder("ffconcat version 1.0\n");
    for (int i = 0; i < durations.size(); i++) {
      sb.append("file ").append(partName(i)).append('\n');
      sb.append(String.format(Locale.ROOT, "duration %.6f%n", durations.get(i)));
    }
    return sb.toString();
  }

  /**
   * Joins the parts listed in {@link #CONCAT_LIST} with {@code -c copy} and muxes the audio part when there
   * is one. The video starts where the input's first frame stood, so audio and video keep their offset.
   */
  public FfmpegCommand stitch(SplitPlan plan, boolean withAudio) {
    return stitch(plan.source().seconds(0), withAudio);
  }

  /** {@link #stitch(SplitPlan, boolean)} for a video whose first frame stands at {@code videoStart} seconds. */
  public FfmpegCommand stitch(double videoStart, boolean withAudio) {
    List<String> a = new ArrayList<>();
    if (videoStart > 0) {
      a.addAll(List.of("-itsoffset", String.format(Locale.ROOT, "%.6f", videoStart)));
    }
    a.addAll(List.of("-i", CONCAT_LIST));
    if (withAudio) {
      a.addAll(List.of("-i", audioName()));
    }
    a.addAll(List.of("-map", "0:v:0"));
    if (withAudio) {
      a.addAll(List.of("-map", "1:a:0"));
    }
    a.addAll(List.of("-c", "copy"));
    add(a, command.containerOptions());
    a.add(command.outputUrl());
    return FfmpegCommand.of(a);
  }

  /** The names of the files the stitch reads: the parts, the list and (with audio) the audio part. */
  public List<String> stitchInputs(SplitPlan plan, boolean withAudio) {
    return stitchInputs(plan.parts().size(), withAudio);
  }

  /** {@link #stitchInputs(SplitPlan, boolean)} for {@code parts} video parts. */
  public List<String> stitchInputs(int parts, boolean withAudio) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      names.add(partName(i));
    }
    names.add(CONCAT_LIST);
    if (withAudio) {
      names.add(audioName());
    }
    return names;
  }

  private List<String> input(double seekSeconds) {
    List<String> a = new ArrayList<>();
    if (command.inputFormat() != null) {
      a.addAll(List.of("-f", command.inputFormat()));
    }
    if (seekSeconds > 0) {
      a.addAll(List.of("-ss", String.format(Locale.ROOT, "%.6f", seekSeconds)));
    }
    a.addAll(List.of("-i", command.inputUrl()));
    return a;
  }

  private static void add(List<String> args, List<FfmpegCommand.Option> options) {
    for (FfmpegCommand.Option o : options) {
      args.add("-" + o.name());
      if (o.value() != null) {
        args.add(o.value());
      }
    }
  }
}
