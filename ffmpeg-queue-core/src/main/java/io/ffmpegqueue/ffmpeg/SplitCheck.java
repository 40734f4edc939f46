package io.ffmpegqueue.ffmpeg;

import io.ffmpegqueue.InvalidTaskException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether a command means the same when its video is encoded in time ranges and joined again,
 * and sorts its options for the parts. Only such commands are split: one input, one output file in a
 * container the concat demuxer can join, video filters that look at one frame at a time, single-pass
 * encoder options, and no option that changes time (seeking, durations, frame rates). A refusal is an
 * {@link InvalidTaskException} for the field {@code split} that says why.
 *
 * <pre>{@code
 * SplitCommand c = SplitCheck.check(FfmpegCommand.parse("-i in.mp4 -vf scale=1280:-2 -c:v libx264 -crf 23 out.mp4"));
 * c.videoOptions();   // [-vf scale=1280:-2, -c:v libx264, -crf 23]
 * }</pre>
 */
public final class SplitCheck {
  /** Filters that compute each output frame from the one input frame alone, and not from its time. */
  static final Set<String> PER_FRAME_FILTERS = Set.of("scale", "crop", "pad", "format", "setsar", "setdar",
      "transpose", "hflip", "vflip", "eq", "null", "copy", "colorspace", "colorchannelmixer", "colorlevels",
      "lut", "lutrgb", "lutyuv", "negate", "unsharp", "boxblur", "gblur", "smartblur", "drawbox",
      "drawgrid", "zscale", "setparams", "setrange", "colormatrix", "curves",
      "noformat", "sharpen", "cas", "convolution", "edgedetect", "grayworld", "chromashift");

  private static final Set<String> VIDEO = Set.of("crf", "preset", "tune", "level", "pix_fmt", "maxrate", "bufsize",
      "minrate", "g", "keyint_min", "bf", "refs", "sc_threshold", "x264-params", "x265-params", "x264opts",
      "svtav1-params", "qp", "qmin", "qmax", "vf", "aspect", "s", "vtag", "color_primaries", "color_trc",
      "colorspace", "color_range", "row-mt", "tile-columns", "cpu-used", "deadline", "speed", "quality",
      "lag-in-frames", "aq-mode", "forced-idr", "b_strategy", "vcodec", "vb", "cq", "rc", "zerolatency");
  private static final Set<String> AUDIO = Set.of("ar", "ac", "af", "acodec", "ab", "aq", "sample_fmt",
      "channel_layout", "ch_layout", "cutoff", "compression_level", "vbr", "application");
  private static final Set<String> CONTAINER = Set.of("movflags", "metadata", "f", "brand", "map_metadata",
      "map_chapters", "write_tmcd", "use_editlist", "fflags", "avoid_negative_ts");
  private static final Set<String> HARMLESS_GLOBAL = Set.of("y", "n", "hide_banner", "loglevel", "v", "nostats",
      "stats", "nostdin", "stdin", "xerror", "abort_on");
  private static final Set<String> CUT_PROOF_OUTPUT_FORMATS = Set.of("mp4", "mov", "matroska", "webm", "mpegts", "nut");
  private static final Set<String> CUT_PROOF_EXTENSIONS = Set.of(".mp4", ".m4v", ".mov", ".mkv", ".webm", ".ts",
      ".mts", ".nut");
  private static final Set<String> ALLOWED_MAPS = Set.of("0", "0:v", "0:v:0", "0:a", "0:a:0");

  private SplitCheck() {}

  /**
   * Checks {@code command} and sorts its options.
   *
   * @throws InvalidTaskException for the field {@code split}, saying why the command cannot be split
   */
  public static SplitCommand check(FfmpegCommand command) {
    for (FfmpegCommand.Option o : command.globalOptions()) {
      String base = o.baseName();
      if (base.startsWith("filter_complex") || base.equals("lavfi")) {
        refuse("-" + o.name() + " can mix streams and times in ways a part cannot see; use -vf with per-frame filters");
      }
      if (!HARMLESS_GLOBAL.contains(base)) {
        refuse("the global option -" + o.name() + " is not known to mean the same in every part");
      }
    }
    if (command.inputs().size() != 1) {
      refuse("it has " + command.inputs().size() + " inputs; only a command with one input is split");
    }
    if (command.outputs().size() != 1) {
      refuse("it has " + command.outputs().size() + " outputs; only a command with one output file is split");
    }
    if (!command.trailingOptions().isEmpty()) {
      refuse("options after the output (-" + command.trailingOptions().get(0).name() + ") are not split");
    }
    FfmpegCommand.Input in = command.inputs().get(0);
    for (FfmpegCommand.Option o : in.options()) {
      if (!o.name().equals("f")) {
        refuse("the input option -" + o.name() + " is not split (it may seek, limit or retime the input)");
      }
    }
    if ("lavfi".equals(in.format())) {
      refuse("a lavfi input is generated, not a file with a duration to cut");
    }
    FfmpegCommand.Output out = command.outputs().get(0);
    String url = out.url();
    if (url.endsWith("/") || url.contains("%")) {
      refuse("the output '" + url + "' is a folder or a numbered sequence; only one output file is split");
    }
    String ext = url.lastIndexOf('.') < 0 ? "" : url.substring(url.lastIndexOf('.')).toLowerCase(Locale.ROOT);
    String format = out.format();
    if (format != null ? !CUT_PROOF_OUTPUT_FORMATS.contains(format) : !CUT_PROOF_EXTENSIONS.contains(ext)) {
      refuse("the output '" + url + "' is not in a container the parts can be joined in without re-encoding "
          + "(mp4, mov, mkv, webm, ts, nut)");
    }
    List<FfmpegCommand.Option> video = new ArrayList<>();
    List<FfmpegCommand.Option> audio = new ArrayList<>();
    List<FfmpegCommand.Option> container = new ArrayList<>();
    boolean withAudio = true;
    for (FfmpegCommand.Option o : out.options()) {
      String base = o.baseName();
      String spec = o.streamSpecifier();
      String kind = spec == null ? null : spec.startsWith("v") ? "v" : spec.startsWith("a") ? "a" : "?";
      switch (base) {
        case "ss", "t", "to", "sseof", "itsoffset", "frames", "vframes", "r", "fps_mode", "vsync", "shortest",
            "force_key_frames", "output_ts_offset", "async", "copyts", "start_at_zero", "timestamp", "af_time" ->
            refuse("-" + o.name() + " changes or depends on time, which each part sees differently");
        case "pass", "passlogfile" -> refuse("two-pass encoding needs the whole video in each pass");
        case "filter_complex", "lavfi" -> refuse("-" + o.name() + " is not split; use -vf with per-frame filters");
        case "vn" -> refuse("-vn leaves no video to split");
        case "an" -> withAudio = false;
        case "sn", "dn" -> { }
        case "map" -> {
          String v = o.value().endsWith("?") ? o.value().substring(0, o.value().length() - 1) : o.value();
          if (!ALLOWED_MAPS.contains(v)) {
            refuse("-map " + o.value() + ": a split output has the input's first video and first audio stream only");
          }
        }
        case "vf", "filter" -> {
          if (base.equals("filter") && "a".equals(kind)) {
            audio.add(o); // the audio is encoded whole, so any audio filter means what it meant
          } else if (base.equals("filter") && !"v".equals(kind)) {
            refuse("-" + o.name() + " without :v or :a is not split; use -vf for video or -af for audio");
          } else {
            checkFilters(o.value());
            video.add(o);
          }
        }
        case "c", "codec" -> {
          if (kind == null) {
            if (o.value().equals("copy")) {
              refuse("-" + o.name() + " copy: a stream copy cannot be cut at a frame that is not a keyframe");
            }
            video.add(new FfmpegCommand.Option(base + ":v", o.value()));
            audio.add(new FfmpegCommand.Option(base + ":a", o.value()));
          } else {
            sort(o, kind, video, audio);
          }
        }
        case "threads" -> {
          video.add(o);
          audio.add(o);
        }
        default -> {
          if (CONTAINER.contains(base) && spec == null) {
            container.add(o);
          } else if (kind != null && !kind.equals("?") && (base.equals("b") || base.equals("q") || base.equals("profile")
              || base.equals("tag") || base.equals("disposition") || VIDEO.contains(base) || AUDIO.contains(base))) {
            sort(o, kind, video, audio);
          } else if (spec == null && (VIDEO.contains(base) || base.equals("b") || base.equals("profile"))) {
            video.add(o);
          } else if (spec == null && AUDIO.contains(base)) {
            audio.add(o);
          } else {
            refuse("the option -" + o.name() + " is not known to mean the same in every part");
          }
        }
      }
    }
    for (FfmpegCommand.Option o : video) {
      if (o.canonicalName().equals("c") && o.value().equals("copy")) {
        refuse("-" + o.name() + " copy: a stream copy of the video cannot be cut at a frame that is not a keyframe");
      }
      if (o.value() != null && (o.value().contains("pass=") || o.value().contains("stats="))) {
        refuse("-" + o.name() + " asks for a multi-pass encode, which needs the whole video in each pass");
      }
    }
    return new SplitCommand(in.url(), in.format(), url, video, audio, container, withAudio);
  }

  private static void sort(FfmpegCommand.Option o, String kind, List<FfmpegCommand.Option> video,
      List<FfmpegCommand.Option> audio) {
    if (kind.equals("v")) {
      video.add(o);
    } else if (kind.equals("a")) {
      audio.add(o);
    } else {
      refuse("-" + o.name() + ": only video and audio streams are split");
    }
  }

  private static void checkFilters(String graph) {
    List<FilterGraph.Filter> filters;
    try {
      filters = FilterGraph.parse(graph);
    } catch (FilterGraph.SyntaxException e) {
      throw new InvalidTaskException("split", "the command cannot be split: its -vf cannot be read: " + e.getMessage());
    }
    for (FilterGraph.Filter f : filters) {
      if (!PER_FRAME_FILTERS.contains(f.baseName())) {
        refuse("the video filter '" + f.baseName() + "' is not on the list of per-frame filters (it may look at "
            + "other frames or at time, which differ in each part); allowed: " + String.join(", ",
            new java.util.TreeSet<>(PER_FRAME_FILTERS)));
      }
    }
  }

  private static void refuse(String why) {
    throw new InvalidTaskException("split", "the command cannot be split: " + why);
  }
}
