package io.ffmpegqueue.ffmpeg;

import io.ffmpegqueue.InvalidTaskException;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides which commands a task may run. Checked when a task is submitted, so a refused command is never
 * enqueued; the {@link InvalidTaskException} names the offending argument and says why.
 *
 * <p>{@link #strict()}, the default, lets a command touch only its task's own files: every input
 * ({@code -i}) and output must be a declared file by its bare name; no protocols ({@code file:},
 * {@code concat:}, {@code http:}, {@code pipe:} ...), no paths, no options that read or write side files
 * ({@code -attach}, {@code -vstats_file}, {@code -passlogfile}, {@code -report}, {@code -progress},
 * presets, {@code -/opt file}, {@code *_script}), no whitelist overrides, no network, device or other
 * multi-file muxers ({@code tee}, {@code rtp}, {@code hds} ...), only media demuxers (no playlists,
 * devices or network), and inside filtergraphs only declared files ({@code movie}, {@code subtitles},
 * {@code drawtext} {@code fontfile}/{@code textfile}, {@code lut3d} ...). The runner adds defences at run
 * time (a per-input protocol and format whitelist, a private working folder, a sandbox where available).
 *
 * <p>The muxers {@code hls}, {@code dash}, {@code segment} ({@code ssegment}, {@code stream_segment}) and
 * {@code image2} may write many files, but only inside the task's declared folders ({@code "hls/"}) and
 * numbered patterns ({@code "thumb_%03d.jpg"}): every name they will write, by ffmpeg's own rules (the
 * output, {@code -hls_segment_filename}, {@code -master_pl_name}, {@code -hls_fmp4_init_filename}, every
 * {@code %v} of {@code -var_stream_map}, DASH's segment templates, {@code -segment_list}), is checked, and
 * anything else is refused naming the option.
 *
 * <p>An input may also be a file inside a declared folder input ({@code -i hls/index.m3u8} with the input
 * {@code "hls/"}, see {@link io.ffmpegqueue.InputFolders}); {@code -hls_key_info_file} may name a declared input.
 * What those files name (a playlist's segments, the key file) is checked by the runner before ffmpeg starts.
 *
 * <p>Trusted callers can allow more, one named thing at a time:
 * <pre>{@code
 * CommandPolicy policy = CommandPolicy.builder()
 *     .allowOutputFormats("tee")       // writes files the task does not declare
 *     .allowFilters("sendcmd")         // commands from a declared file
 *     .build();
 * FfmpegQueue.builder().commandPolicy(policy) ...
 * }</pre>
 * What remains refused whatever the policy: inputs and outputs that are not declared files, and values
 * that name paths or URLs.
 */
public final class CommandPolicy {
  /** The demuxers {@link #strict()} lets an input use: media and subtitle formats that read only their own file. */
  static final Set<String> STRICT_INPUT_FORMATS = Set.of(
      "aac", "ac3", "aiff", "amr", "apng", "asf", "ass", "au", "avi", "caf", "dts", "dv", "eac3", "flac", "flv",
      "gif", "gif_pipe", "h261", "h263", "h264", "hevc", "av1", "ivf", "obu", "vvc", "evc", "image2",
      "image2pipe", "jpeg_pipe", "png_pipe", "bmp_pipe", "webp_pipe", "tiff_pipe", "pam_pipe", "pgm_pipe",
      "ppm_pipe", "pbm_pipe", "qoi_pipe", "dpx_pipe", "exr_pipe", "j2k_pipe", "jpegls_pipe", "jpegxl_pipe",
      "psd_pipe", "sgi_pipe", "svg_pipe", "mjpeg", "mjpeg_2000", "m4v", "matroska", "webm", "mov", "mp4",
      "m4a", "3gp", "3g2", "mj2", "mp3", "mpeg", "mpegts", "mpegvideo", "mxf", "nut", "ogg", "wav", "w64", "wv",
      "yuv4mpegpipe", "rawvideo", "s16le", "s16be", "s24le", "s24be", "s32le", "s32be", "f32le", "f32be",
      "f64le", "f64be", "u8", "s8", "u16le", "u16be", "alaw", "mulaw", "srt", "webvtt", "subviewer",
      "subviewer1", "microdvd", "mpl2", "sami", "realtext", "jacosub", "lrc", "vplayer", "pjs", "stl", "sup",
      "scc", "tta", "truehd", "mlp", "ape", "tak", "mpc", "mpc8", "shn", "voc", "gxf", "dirac", "vc1", "rm",
      "smjpeg", "swf", "bink", "ffmetadata", "tty", "lavfi");

  /** Muxers {@link #strict()} refuses, and why. */
  static final Map<String, String> REFUSED_OUTPUT_FORMATS = refusedOutputFormats();

  /** Options {@link #strict()} refuses, and why. */
  static final Map<String, String> REFUSED_OPTIONS = refusedOptions();

  private final Set<String> inputFormats;
  private final Set<String> allowedOutputFormats;
  private final Set<String> allowedOptions;
  private final Set<String> allowedFilters;

  private CommandPolicy(Builder b) {
    this.inputFormats = Collections.unmodifiableSet(new TreeSet<>(b.inputFormats));
    this.allowedOutputFormats = Set.copyOf(b.outputFormats);
    this.allowedOptions = Set.copyOf(b.options);
    this.allowedFilters = Set.copyOf(b.filters);
  }

  /** The default policy: only the task's own files, no protocols, no side files, media demuxers only. */
  public static CommandPolicy strict() {
    return new Builder().build();
  }

  /** A builder that starts from {@link #strict()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this policy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.inputFormats.clear();
    b.inputFormats.addAll(inputFormats);
    b.outputFormats.addAll(allowedOutputFormats);
    b.options.addAll(allowedOptions);
    b.filters.addAll(allowedFilters);
    return b;
  }

  /**
   * The demuxers an input may use. The runner passes them to ffmpeg as each input's
   * {@code -format_whitelist}, so a file whose content probes as a playlist or another format that reads
   * further files is refused by ffmpeg itself.
   */
  public Set<String> inputFormats() {
    return inputFormats;
  }

  /** Whether an input may use the demuxer {@code name}. */
  public boolean allowsInputFormat(String name) {
    return inputFormats.contains(name);
  }

  /**
   * Checks {@code command} against the task's declared files.
   *
   * @param inputs the declared input file names
   * @param outputs the declared output file names
   * @throws InvalidTaskException for the {@code command} field, naming the offending argument
   */
  public void check(FfmpegCommand command, Set<String> inputs, Set<String> outputs) {
    new CommandCheck(this, inputs, outputs).check(command);
  }

  boolean allowsOutputFormat(String name) {
    return !REFUSED_OUTPUT_FORMATS.containsKey(name) || allowedOutputFormats.contains(name);
  }

  /** Whether a trusted caller allowed this muxer by name, so that it may write files the task does not declare. */
  boolean allowsOutputFormatAsTrusted(String name) {
    return name != null && allowedOutputFormats.contains(name);
  }

  boolean allowsOption(String name) {
    return allowedOptions.contains(name);
  }

  boolean allowsFilter(String name) {
    return allowedFilters.contains(name);
  }

  @Override
  public String toString() {
    return "CommandPolicy[inputFormats=" + inputFormats.size() + ", allowedOutputFormats=" + allowedOutputFormats
        + ", allowedOptions=" + allowedOptions + ", allowedFilters=" + allowedFilters + "]";
  }

  private static Map<String, String> refusedOutputFormats() {
    Map<String, String> m = new HashMap<>();
    String multi = "writes files the task does not declare";
    for (String f : new String[] {"tee", "segment", "ssegment", "stream_segment", "hls", "dash", "hds",
        "smoothstreaming", "webm_chunk", "webm_dash_manifest", "fifo"}) {
      m.put(f, multi);
    }
    for (String f : new String[] {"rtp", "rtp_mpegts", "rtsp", "sap", "whip"}) {
      m.put(f, "sends to the network");
    }
    for (String f : new String[] {"alsa", "pulse", "oss", "fbdev", "v4l2", "video4linux2", "sdl", "sdl2",
        "opengl", "xv", "caca", "decklink", "audiotoolbox"}) {
      m.put(f, "writes to a device");
    }
    return Map.copyOf(m);
  }

  private static Map<String, String> refusedOptions() {
    Map<String, String> m = new HashMap<>();
    m.put("progress", "the runner reports progress itself; -progress writes to a file or URL");
    m.put("report", "writes a log file the task does not declare");
    m.put("vstats", "writes a statistics file the task does not declare");
    m.put("vstats_file", "writes a statistics file");
    m.put("passlogfile", "writes two-pass log files");
    m.put("attach", "attaches a file to the output by path");
    m.put("dump_attachment", "writes attachments to files");
    m.put("sdp_file", "writes an SDP file");
    m.put("stats_enc_pre", "writes a statistics file");
    m.put("stats_enc_post", "writes a statistics file");
    m.put("stats_mux_pre", "writes a statistics file");
    m.put("print_graphs_file", "writes a file");
    for (String p : new String[] {"pre", "fpre", "vpre", "apre", "spre"}) {
      m.put(p, "reads preset files from the server");
    }
    for (String w : new String[] {"protocol_whitelist", "protocol_blacklist", "format_whitelist"}) {
      m.put(w, "is set by the runner; a task may not change it");
    }
    m.put("stdin", "the runner keeps standard input to stop ffmpeg gracefully");
    m.put("enable_drefs", "follows references to files outside the task");
    m.put("use_absolute_path", "follows references to files outside the task");
    m.put("graph_file", "reads a filtergraph from a file");
    m.put("hls_subtitle_path", "names a subtitle playlist path the policy does not check");
    return Map.copyOf(m);
  }

  /** Builds a {@link CommandPolicy}, starting from {@link #strict()}. */
  public static final class Builder {
    private final Set<String> inputFormats = new LinkedHashSet<>(STRICT_INPUT_FORMATS);
    private final Set<String> outputFormats = new HashSet<>();
    private final Set<String> options = new HashSet<>();
    private final Set<String> filters = new HashSet<>();

    private Builder() {}

    /** Lets inputs use these demuxers too (e.g. {@code "hls"}, {@code "concat"}): they may read other files. */
    public Builder allowInputFormats(String... names) {
      for (String n : names) {
        inputFormats.add(n.toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /** Lets inputs use only these demuxers. */
    public Builder onlyInputFormats(String... names) {
      inputFormats.clear();
      return allowInputFormats(names);
    }

    /**
     * Lets outputs use these muxers that strict refuses (e.g. {@code "tee"}), or lets {@code "hls"},
     * {@code "segment"} ... write files outside the declared outputs: only the output's own name is checked.
     */
    public Builder allowOutputFormats(String... names) {
      for (String n : names) {
        outputFormats.add(n.toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /** Lets commands use these options that strict refuses, by name without {@code -} (e.g. {@code "attach"}). */
    public Builder allowOptions(String... names) {
      for (String n : names) {
        options.add(n.startsWith("-") ? n.substring(1) : n);
      }
      return this;
    }

    /** Lets filtergraphs use these filters without checking the files they name (e.g. {@code "sendcmd"}). */
    public Builder allowFilters(String... names) {
      filters.addAll(Set.of(names));
      return this;
    }

    /** The policy. */
    public CommandPolicy build() {
      return new CommandPolicy(this);
    }
  }
}
