package io.ffmpegqueue.ffmpeg;

import java.util.Set;

/**
 * What ffmpeg's own option table (fftools, 7.x) says about an option name: whether it takes a value and
 * whether it applies to the whole program or to the next input or output. Options not listed here are
 * codec, format or filter AVOptions, which ffmpeg always gives one value and applies to the next file;
 * so an unknown option is parsed the way ffmpeg parses it.
 */
final class FfmpegOptions {
  private FfmpegOptions() {}

  /** ffmpeg's boolean options ({@code OPT_TYPE_BOOL}): no value, and {@code -noNAME} means false. */
  private static final Set<String> BOOLEANS = Set.of(
      "y", "n", "ignore_unknown", "copy_unknown", "recast_media", "accurate_seek", "benchmark",
      "benchmark_all", "stdin", "dump", "hex", "re", "copyts", "start_at_zero", "shortest", "bitexact",
      "xerror", "copyinkf", "print_graphs", "auto_conversion_filters", "stats", "find_stream_info",
      "display_hflip", "display_vflip", "vn", "an", "sn", "dn", "force_fps", "autorotate", "autoscale",
      "fix_sub_duration_heartbeat", "fix_sub_duration", "debug_ts", "hide_banner");

  /** Function options that take no value. */
  private static final Set<String> NO_VALUE_FUNCTIONS = Set.of("vstats", "qphist", "report", "hwaccels");

  /** Options that print information and exit: never part of a task. */
  static final Set<String> INFORMATION = Set.of(
      "L", "h", "?", "help", "-help", "version", "buildconf", "formats", "muxers", "demuxers", "devices",
      "codecs", "decoders", "encoders", "bsfs", "protocols", "filters", "pix_fmts", "layouts", "sample_fmts",
      "dispositions", "colors", "sources", "sinks", "hwaccels");

  /** Information options that take an argument. */
  private static final Set<String> INFORMATION_WITH_VALUE = Set.of("sources", "sinks");

  /** Options of the whole program rather than of one file (those without ffmpeg's per-file flags). */
  private static final Set<String> GLOBAL = Set.of(
      "y", "n", "ignore_unknown", "copy_unknown", "recast_media", "benchmark", "benchmark_all", "progress",
      "stdin", "timelimit", "dump", "hex", "frame_drop_threshold", "copyts", "start_at_zero", "copytb",
      "dts_delta_threshold", "dts_error_threshold", "xerror", "abort_on", "filter_threads", "filter_complex",
      "filter_complex_threads", "lavfi", "filter_complex_script", "print_graphs", "print_graphs_file",
      "print_graphs_format", "auto_conversion_filters", "stats", "stats_period", "debug_ts", "max_error_rate",
      "vstats", "vstats_file", "vstats_version", "sdp_file", "init_hw_device", "filter_hw_device",
      "vaapi_device", "qsv_device", "adrift_threshold", "qphist", "vsync", "loglevel", "v", "report",
      "max_alloc", "cpuflags", "cpucount", "hide_banner");

  /** The name without a {@code no} prefix when that prefix negates a boolean option ({@code nostdin} -> {@code stdin}). */
  static String canonical(String base) {
    if (!BOOLEANS.contains(base) && base.startsWith("no") && BOOLEANS.contains(base.substring(2))) {
      return base.substring(2);
    }
    return base;
  }

  /** Whether option {@code base} (without {@code -}, stream specifier or {@code /} prefix) takes a value. */
  static boolean takesValue(String base) {
    String c = canonical(base);
    if (BOOLEANS.contains(c) || NO_VALUE_FUNCTIONS.contains(c)) {
      return false;
    }
    if (INFORMATION.contains(c)) {
      return INFORMATION_WITH_VALUE.contains(c);
    }
    return true;
  }

  /** Whether option {@code base} applies to the whole program. */
  static boolean isGlobal(String base) {
    return GLOBAL.contains(canonical(base)) || INFORMATION.contains(base);
  }
}
