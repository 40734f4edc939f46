package io.ffmpegqueue.ffmpeg;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The filters that open files by name, which arguments name those files (by option name and by position
 * among the positional values, in the order libavfilter declares the options), and the filters that no
 * task may use at all.
 */
final class FilterRules {
  private FilterRules() {}

  /** What a filter does with the file an argument names. */
  enum Access {
    /** Reads it: it must be a declared input. */
    READ,
    /** Writes it: it must be a declared output. */
    WRITE,
    /** Names a folder: refused. */
    FOLDER,
    /** Names a demuxer: it must be on the policy's input format list. */
    FORMAT
  }

  /**
   * One argument that names a file.
   *
   * @param keys the option name and its aliases
   * @param position the index among positional values, or -1 when it can only be given by name
   */
  record FileArgument(Set<String> keys, int position, Access access) {}

  private static FileArgument read(int position, String... keys) {
    return new FileArgument(Set.of(keys), position, Access.READ);
  }

  private static FileArgument write(int position, String... keys) {
    return new FileArgument(Set.of(keys), position, Access.WRITE);
  }

  /** Filters refused whatever their arguments, and why. */
  static final Map<String, String> REFUSED = Map.of(
      "zmq", "receives commands over the network",
      "azmq", "receives commands over the network",
      "frei0r", "loads a plugin library from the server",
      "frei0r_src", "loads a plugin library from the server",
      "ladspa", "loads a plugin library from the server",
      "lv2", "loads a plugin library from the server");

  /** Filters that send commands to other filters at run time, which could change their file options. */
  static final Set<String> COMMAND_SENDERS = Set.of("sendcmd", "asendcmd");

  /** Option names that name files in some filter; commands sent at run time must not set them. */
  static final Set<String> FILE_KEYS = Set.of(
      "filename", "f", "file", "fontfile", "textfile", "fontsdir", "psfile", "plot", "model", "m", "stats_file",
      "log_path", "result", "input", "dumpfile", "cover", "object", "sofa", "source", "db_path", "datapath",
      "custom_shader_path", "shader_path", "destination", "labels", "model_path");

  static final Map<String, List<FileArgument>> FILE_ARGUMENTS = Map.ofEntries(
      Map.entry("movie", List.of(read(0, "filename"), new FileArgument(Set.of("format_name", "f"), 1, Access.FORMAT))),
      Map.entry("amovie", List.of(read(0, "filename"), new FileArgument(Set.of("format_name", "f"), 1, Access.FORMAT))),
      Map.entry("subtitles", List.of(read(0, "filename", "f"), new FileArgument(Set.of("fontsdir"), 2, Access.FOLDER))),
      Map.entry("ass", List.of(read(0, "filename", "f"), new FileArgument(Set.of("fontsdir"), 2, Access.FOLDER))),
      Map.entry("drawtext", List.of(read(0, "fontfile"), read(2, "textfile"))),
      Map.entry("qrencode", List.of(read(-1, "textfile"))),
      Map.entry("qrencodesrc", List.of(read(-1, "textfile"))),
      Map.entry("showcqt", List.of(read(-1, "fontfile"))),
      Map.entry("lut3d", List.of(read(0, "file"))),
      Map.entry("lut1d", List.of(read(0, "file"))),
      Map.entry("sendcmd", List.of(read(1, "filename", "f"))),
      Map.entry("asendcmd", List.of(read(1, "filename", "f"))),
      Map.entry("removelogo", List.of(read(0, "filename", "f"))),
      Map.entry("cover_rect", List.of(read(0, "cover"))),
      Map.entry("find_rect", List.of(read(0, "object"))),
      Map.entry("curves", List.of(read(6, "psfile"), write(7, "plot"))),
      Map.entry("selectivecolor", List.of(read(10, "psfile"))),
      Map.entry("arnndn", List.of(read(0, "model", "m"))),
      Map.entry("sofalizer", List.of(read(0, "sofa"))),
      Map.entry("dnn_processing", List.of(read(-1, "model"))),
      Map.entry("dnn_detect", List.of(read(-1, "model", "labels"))),
      Map.entry("dnn_classify", List.of(read(-1, "model", "labels"))),
      Map.entry("sr", List.of(read(2, "model"))),
      Map.entry("derain", List.of(read(2, "model"))),
      Map.entry("program_opencl", List.of(read(0, "source"))),
      Map.entry("openclsrc", List.of(read(0, "source"))),
      Map.entry("libplacebo", List.of(read(-1, "custom_shader_path", "shader_path"))),
      Map.entry("vidstabtransform", List.of(read(0, "input"))),
      Map.entry("whisper", List.of(read(0, "model"), write(-1, "destination"))),
      Map.entry("drawvg", List.of(read(-1, "file"))),
      Map.entry("ocr", List.of(new FileArgument(Set.of("datapath"), 0, Access.FOLDER))),
      Map.entry("lensfun", List.of(new FileArgument(Set.of("db_path"), -1, Access.FOLDER))),
      Map.entry("libvmaf", List.of(write(0, "log_path"), read(-1, "model_path"))),
      Map.entry("psnr", List.of(write(0, "stats_file", "f"))),
      Map.entry("ssim", List.of(write(0, "stats_file", "f"))),
      Map.entry("metadata", List.of(write(5, "file"))),
      Map.entry("ametadata", List.of(write(5, "file"))),
      Map.entry("signature", List.of(write(2, "filename"))),
      Map.entry("vidstabdetect", List.of(write(0, "result"))),
      Map.entry("deshake", List.of(write(10, "filename"))),
      Map.entry("firequalizer", List.of(write(9, "dumpfile"))));
}
