package io.ffmpegqueue.ffmpeg;

import io.ffmpegqueue.InputFolders;
import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.OutputNames;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One check of one command against a policy and a task's declared files. */
final class CommandCheck {
  /** ffmpeg's protocols, as far as a value's {@code name:} prefix could select one. */
  private static final Set<String> PROTOCOLS = Set.of(
      "android_content", "async", "bluray", "cache", "concat", "concatf", "crypto", "data", "dtls", "fd",
      "ffrtmpcrypt", "ffrtmphttp", "file", "ftp", "gopher", "gophers", "hls", "http", "httpproxy", "https",
      "icecast", "ipfs", "ipns", "librist", "libsmbclient", "libsrt", "libssh", "libzmq", "md5", "mmsh",
      "mmst", "pipe", "prompeg", "rist", "rtmp", "rtmpe", "rtmps", "rtmpt", "rtmpte", "rtmpts", "rtp", "sctp",
      "sftp", "smb", "srt", "srtp", "subfile", "tcp", "tee", "tls", "udp", "udplite", "unix", "zmq", "amqp",
      "whip");
  private static final Pattern PROTOCOL = Pattern.compile("(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*):");
  private static final Pattern RATIONAL = Pattern.compile("[+-]?\\d+(\\.\\d+)?/\\d+(\\.\\d+)?");
  private static final Pattern VALUE_PARTS = Pattern.compile("[:=,|;]");
  /** Options whose values are filtergraphs ({@code graph} is the lavfi device's, which replaces its input URL). */
  private static final Set<String> FILTER_OPTIONS = Set.of("filter", "vf", "af", "filter_complex", "lavfi", "graph");
  /** Options that make a muxer name its files by the clock ({@code strftime} patterns). */
  private static final Set<String> CLOCK_NAMES = Set.of("strftime", "use_localtime", "strftime_mkdir", "use_localtime_mkdir");
  /** Options whose values are free text or expressions, never opened as files. */
  private static final Set<String> TEXT_OPTIONS = Set.of(
      "metadata", "force_key_frames", "program", "stream_group", "timecode", "disposition", "apad");

  private final CommandPolicy policy;
  private final Set<String> inputs;
  private final Set<String> outputs;
  // Declared outputs the command writes, as outputs or through filters (psnr's stats_file, ...).
  private final Set<String> written = new HashSet<>();
  // Read only when an output needs it (a folder, a pattern, a multi-file muxer): most commands write one file.
  private OutputNames declared;
  // Whether the options being checked are an output's, where options that name output files are checked with it.
  private boolean outputOptions;

  CommandCheck(CommandPolicy policy, Set<String> inputs, Set<String> outputs) {
    this.policy = policy;
    this.inputs = inputs;
    this.outputs = outputs;
  }

  void check(FfmpegCommand command) {
    for (FfmpegCommand.Option o : command.globalOptions()) {
      option(o);
    }
    for (FfmpegCommand.Input in : command.inputs()) {
      for (FfmpegCommand.Option o : in.options()) {
        option(o);
      }
      input(in);
    }
    for (FfmpegCommand.Output out : command.outputs()) {
      outputOptions = true;
      for (FfmpegCommand.Option o : out.options()) {
        option(o);
      }
      outputOptions = false;
      output(out);
    }
    for (FfmpegCommand.Option o : command.trailingOptions()) {
      option(o);
    }
    if (command.outputs().isEmpty()) {
      throw refused("the command writes no output; it must write the declared "
          + (outputs.size() == 1 ? "output '" + outputs.iterator().next() + "'" : "outputs " + sorted(outputs)));
    }
    // Sorted only to name the first missing output the same way every time; nothing is missing usually.
    if (!written.containsAll(outputs)) {
      for (String declared : new TreeSet<>(outputs)) {
        if (!written.contains(declared)) {
          throw refused("declared output '" + declared + "' is not written by the command");
        }
      }
    }
  }

  private void input(FfmpegCommand.Input in) {
    String format = in.format();
    if (format != null) {
      String f = format.toLowerCase(Locale.ROOT);
      if (!policy.allowsInputFormat(f)) {
        throw refused("'-f " + format + " -i " + in.url() + "': the input format '" + format
            + "' is not allowed (it can read other files, devices or the network)");
      }
      if (f.equals("lavfi")) {
        graph(() -> "-i " + in.url(), in.url());
        return;
      }
    }
    String url = in.url();
    if (inputs.contains(url)) {
      if (url.endsWith("/")) {
        throw refused("input '" + url + "' is a folder input; read a file inside it (-i " + url + "index.m3u8)");
      }
      return;
    }
    if (InputFolders.containing(inputs, url) != null) {
      return; // a file inside a declared folder input (a playlist and its segments); the runner checks playlists
    }
    throw refused("input '" + url + "': " + whyNotDeclared(url, "input", inputs, outputs));
  }

  private void output(FfmpegCommand.Output out) {
    String url = out.url();
    String format = out.format();
    String muxer = format != null ? format.toLowerCase(Locale.ROOT) : MediaOutputCheck.muxerByName(url);
    if (MediaOutputCheck.applies(out, muxer) && !policy.allowsOutputFormatAsTrusted(muxer)) {
      if (muxer != null && !MediaOutputCheck.MUXERS.contains(muxer) && !policy.allowsOutputFormat(muxer)) {
        throw refused("'-f " + format + "': the muxer '" + muxer + "' " + CommandPolicy.REFUSED_OUTPUT_FORMATS.get(muxer));
      }
      if (declared == null) {
        declared = OutputNames.of(outputs);
      }
      written.addAll(new MediaOutputCheck(declared, out, muxer).check());
      return;
    }
    written.add(url);
    for (FfmpegCommand.Option o : out.options()) {
      if (o.value() != null && MediaOutputCheck.FILE_OPTIONS.containsKey(o.baseName())) {
        checkValue(o, o.value()); // a muxer a trusted caller allowed: its side files still name no path or URL
      }
    }
    if (!outputs.contains(url)) {
      if (inputs.contains(url)) {
        throw refused("output '" + url + "' is a declared input; ffmpeg must not overwrite its inputs");
      }
      throw refused("output '" + url + "': " + whyNotDeclared(url, "output", outputs, inputs));
    }
    if (muxer != null && !policy.allowsOutputFormat(muxer)) {
      throw refused((format != null ? "'-f " + format + "'" : "output '" + url + "'") + ": the muxer '" + muxer
          + "' " + CommandPolicy.REFUSED_OUTPUT_FORMATS.get(muxer));
    }
  }

  private static String whyNotDeclared(String url, String kind, Set<String> declared, Set<String> other) {
    if (url.equals("-")) {
      return kind.equals("input") ? "reads standard input" : "writes to standard output";
    }
    Matcher m = PROTOCOL.matcher(url);
    if (m.lookingAt() && (PROTOCOLS.contains(m.group(1).toLowerCase(Locale.ROOT)) || url.startsWith(m.group() + "//"))) {
      return "uses the protocol '" + m.group(1) + ":'; only the task's declared files may be used";
    }
    if (url.contains("/")) {
      return "is a path; only the task's declared files may be used, by their bare names";
    }
    if (other.contains(url)) {
      return "is declared as an " + (kind.equals("input") ? "output" : "input") + ", not as an " + kind;
    }
    return "is not a declared " + kind + " (declared: " + (declared.isEmpty() ? "none" : String.join(", ", sorted(declared))) + ")";
  }

  /** The option as written, for messages: built only when one is refused, as every submission checks every option. */
  private static String shown(FfmpegCommand.Option o) {
    return "-" + o.name() + (o.value() == null ? "" : " " + o.value());
  }

  private void option(FfmpegCommand.Option o) {
    if (o.valueFromFile()) {
      throw refused("'" + shown(o) + "': the -/option form reads the option's value from a file");
    }
    String base = o.baseName();
    String name = FfmpegOptions.canonical(base); // o.canonicalName(), without cutting the base name out twice
    if (FfmpegOptions.INFORMATION.contains(base)) {
      throw refused("'" + shown(o) + "': prints information and exits; it is not a task");
    }
    if (name.equals(KeyInfoCheck.OPTION) && !policy.allowsOption(name)) {
      keyInfoFile(o);
      return;
    }
    if (!policy.allowsOption(name)) {
      String why = CommandPolicy.REFUSED_OPTIONS.get(name);
      if (why != null) {
        throw refused("'" + shown(o) + "': " + why);
      }
      if (name.endsWith("_script")) {
        throw refused("'" + shown(o) + "': reads a script from a file");
      }
      if (name.equals("safe") && o.value() != null && !o.value().trim().equals("1")) {
        throw refused("'" + shown(o) + "': lets a playlist name any file");
      }
      if (CLOCK_NAMES.contains(name) && o.value() != null && !o.value().trim().equals("0")) {
        throw refused("'" + shown(o) + "': names output files by the clock, which the policy cannot check");
      }
    }
    if (MediaOutputCheck.FILE_OPTIONS.containsKey(name)) {
      if (!outputOptions) {
        throw refused("'" + shown(o) + "': names an output's file, so it must stand before that output");
      }
      return; // checked with its output, by ffmpeg's naming rules
    }
    String value = o.value();
    if (value == null) {
      return;
    }
    if (FILTER_OPTIONS.contains(name)) {
      graph(() -> shown(o), value);
      return;
    }
    if (TEXT_OPTIONS.contains(name) || name.equals("f")) {
      return;
    }
    checkValue(o, value);
  }

  /**
   * {@code -hls_key_info_file}: ffmpeg reads the file it names and the key file named inside it, so its value
   * must be a declared input; the runner checks the file's content before ffmpeg starts ({@link KeyInfoCheck}).
   */
  private void keyInfoFile(FfmpegCommand.Option o) {
    String v = o.value();
    if (!outputOptions) {
      throw refused("'" + shown(o) + "': is an option of an HLS output, so it must stand before that output");
    }
    if (v == null || !io.ffmpegqueue.TaskRequest.isValidFileName(v) || !inputs.contains(v)) {
      throw refused("'" + shown(o) + "': the key info file must be a declared input, by its bare name; "
          + (v == null ? "none is given" : "'" + v + "' " + whyNotDeclared(v, "input", inputs, outputs)));
    }
  }

  /** A value must not name a URL or a path. */
  private void checkValue(FfmpegCommand.Option o, String value) {
    // The regexes only where they could match: a protocol needs a ':', a path a '/'. Most values have
    // neither (codec names, numbers), and every submission checks every value.
    if (value.indexOf(':') >= 0) {
      Matcher m = PROTOCOL.matcher(value);
      while (m.find()) {
        if (PROTOCOLS.contains(m.group(1).toLowerCase(Locale.ROOT))) {
          throw refused("'" + shown(o) + "': names a URL with the protocol '" + m.group(1) + ":'");
        }
      }
    }
    if (value.indexOf('/') >= 0) {
      for (String part : VALUE_PARTS.split(value)) {
        if (part.contains("/") && !RATIONAL.matcher(part.trim()).matches()) {
          throw refused("'" + shown(o) + "': '" + part + "' is a path; only the task's declared files may be used");
        }
      }
    }
  }

  // The argument is shown only in a refusal; built on demand, as every submitted graph is checked.
  private void graph(Supplier<String> shown, String graph) {
    List<FilterGraph.Filter> filters;
    try {
      filters = FilterGraph.parse(graph);
    } catch (FilterGraph.SyntaxException e) {
      throw refused("'" + shown.get() + "': the filtergraph cannot be read: " + e.getMessage());
    }
    for (FilterGraph.Filter f : filters) {
      filter(shown, f);
    }
  }

  private void filter(Supplier<String> shown, FilterGraph.Filter f) {
    if (!isFilterName(f.name())) {
      throw refused("'" + shown.get() + "': '" + f.name() + "' is not a filter name");
    }
    String name = f.baseName();
    for (FilterGraph.Argument a : f.arguments()) {
      if (a.key() != null && a.key().startsWith("/")) {
        throw refused("'" + shown.get() + "': filter " + name + " reads the value of '" + a.key().substring(1) + "' from a file");
      }
    }
    if (policy.allowsFilter(name)) {
      return;
    }
    String refusedWhy = FilterRules.REFUSED.get(name);
    if (refusedWhy != null) {
      throw refused("'" + shown.get() + "': filter " + name + " " + refusedWhy);
    }
    if (FilterRules.COMMAND_SENDERS.contains(name)) {
      commandSender(shown, f);
      return;
    }
    List<FilterRules.FileArgument> rules = FilterRules.FILE_ARGUMENTS.get(name);
    if (rules == null) {
      return;
    }
    for (FilterGraph.Argument a : f.arguments()) {
      for (FilterRules.FileArgument r : rules) {
        boolean matches = a.key() != null ? r.keys().contains(a.key()) : a.position() == r.position();
        if (matches) {
          fileArgument(shown, name, a, r);
        }
      }
    }
  }

  /**
   * Whether {@code name} has the form {@code [A-Za-z0-9_]+(@[A-Za-z0-9_.-]+)?}: checked by hand, as every
   * filter of every submitted graph is checked.
   */
  static boolean isFilterName(String name) {
    int n = name.length();
    int i = 0;
    while (i < n && isWordChar(name.charAt(i))) {
      i++;
    }
    if (i == 0) {
      return false;
    }
    if (i == n) {
      return true;
    }
    if (name.charAt(i) != '@' || i + 1 == n) {
      return false;
    }
    for (i++; i < n; i++) {
      char c = name.charAt(i);
      if (!isWordChar(c) && c != '.' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isWordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }

  private void fileArgument(Supplier<String> shown, String filter, FilterGraph.Argument a, FilterRules.FileArgument r) {
    String what = "filter " + filter + " " + (a.key() != null ? "'" + a.key() + "'" : "argument " + (a.position() + 1));
    String v = a.value();
    switch (r.access()) {
      case READ -> {
        if (!inputs.contains(v)) {
          throw refused("'" + shown.get() + "': " + what + " reads '" + v + "', " + whyNotDeclared(v, "input", inputs, outputs));
        }
      }
      case WRITE -> {
        if (!outputs.contains(v)) {
          throw refused("'" + shown.get() + "': " + what + " writes '" + v + "', " + whyNotDeclared(v, "output", outputs, inputs));
        }
        written.add(v);
      }
      case FOLDER -> throw refused("'" + shown.get() + "': " + what + " names a folder on the server");
      case FORMAT -> {
        if (!policy.allowsInputFormat(v.toLowerCase(Locale.ROOT))) {
          throw refused("'" + shown.get() + "': " + what + ": the input format '" + v + "' is not allowed");
        }
      }
    }
  }

  /** sendcmd/asendcmd: inline commands may not set file options; commands from a file cannot be checked. */
  private void commandSender(Supplier<String> shown, FilterGraph.Filter f) {
    for (FilterGraph.Argument a : f.arguments()) {
      boolean file = a.key() != null ? a.key().equals("f") || a.key().equals("filename") : a.position() == 1;
      if (file) {
        throw refused("'" + shown.get() + "': filter " + f.baseName()
            + " reads commands from a file, which could change other filters' files at run time");
      }
      // The target filter unescapes the command's arguments once more: look through its escapes.
      Matcher keys = Pattern.compile("(/?)([A-Za-z0-9_]+)\\s*=").matcher(a.value().replace("\\", "").replace("'", ""));
      while (keys.find()) {
        if (!keys.group(1).isEmpty() || FilterRules.FILE_KEYS.contains(keys.group(2))) {
          throw refused("'" + shown.get() + "': filter " + f.baseName() + " sends a command that sets '"
              + keys.group(1) + keys.group(2) + "', which names a file");
        }
      }
    }
  }

  private static List<String> sorted(Set<String> names) {
    return List.copyOf(new TreeSet<>(names));
  }

  private static InvalidTaskException refused(String message) {
    return new InvalidTaskException("command", message);
  }
}
