package io.ffmpegqueue.ffmpeg;

import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.OutputName;
import io.ffmpegqueue.OutputNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks one output whose muxer writes several files (HLS, DASH, the segment muxer, image sequences) or that
 * names a folder or a numbered pattern: every file the muxer will write, by ffmpeg's own naming rules, must
 * lie inside a declared folder or match a declared pattern.
 *
 * <p>The rules, as ffmpeg applies them: the output URL and {@code -hls_segment_filename} are relative to
 * the working folder; {@code %v} expands to each variant of {@code -var_stream_map} (its {@code name:} or
 * its index) and {@code %d}/{@code %0Nd} to a number; without {@code -hls_segment_filename} segments go
 * beside the playlist; {@code -master_pl_name} and {@code -hls_fmp4_init_filename} are written beside the
 * playlist (newer ffmpeg puts the init file beside the segments: both places are checked); DASH's
 * {@code -init_seg_name}, {@code -media_seg_name}, {@code -single_file_name} templates and
 * {@code -hls_master_name} are relative to the manifest; {@code -segment_list} is relative to the working
 * folder. A playlist or manifest must itself lie inside a declared folder, as HLS and DASH write side
 * files (keys, subtitle playlists, temporary files) beside it.
 */
final class MediaOutputCheck {
  /** The muxers this check lets write several files. */
  static final Set<String> MUXERS = Set.of("hls", "dash", "segment", "ssegment", "stream_segment", "image2");

  /** Options that name files an output writes, and the muxers that read them. */
  static final Map<String, Set<String>> FILE_OPTIONS = Map.of(
      "hls_segment_filename", Set.of("hls"),
      "master_pl_name", Set.of("hls"),
      "hls_fmp4_init_filename", Set.of("hls"),
      "init_seg_name", Set.of("dash"),
      "media_seg_name", Set.of("dash"),
      "single_file_name", Set.of("dash"),
      "hls_master_name", Set.of("dash"),
      "segment_list", Set.of("segment", "ssegment", "stream_segment"));

  private static final Pattern PROTOCOL = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");
  private static final Pattern NUMBER = Pattern.compile("%(0[1-9])?d");
  private static final Pattern DASH_IDENTIFIER = Pattern.compile("\\$(RepresentationID|Bandwidth|ext|Number|Time)(%0[1-9]d)?\\$");
  private static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "webp", "bmp", "tif", "tiff", "gif");

  private final OutputNames declared;
  private final FfmpegCommand.Output out;
  private final String muxer;
  private final Set<String> written = new HashSet<>();

  MediaOutputCheck(OutputNames declared, FfmpegCommand.Output out, String muxer) {
    this.declared = declared;
    this.out = out;
    this.muxer = muxer;
  }

  /** The muxer ffmpeg picks for {@code url} when no {@code -f} is given, as far as this check cares; or {@code null}. */
  static String muxerByName(String url) {
    int dot = url.lastIndexOf('.');
    String ext = dot < 0 ? "" : url.substring(dot + 1).toLowerCase(Locale.ROOT);
    return switch (ext) {
      case "m3u8" -> "hls";
      case "mpd" -> "dash";
      default -> url.indexOf('%') >= 0 && IMAGE_EXTENSIONS.contains(ext) ? "image2" : null;
    };
  }

  /** Whether {@code out} needs this check rather than the plain one-declared-file check. */
  static boolean applies(FfmpegCommand.Output out, String muxer) {
    if ((muxer != null && MUXERS.contains(muxer)) || out.url().indexOf('/') >= 0 || out.url().indexOf('%') >= 0) {
      return true;
    }
    for (FfmpegCommand.Option o : out.options()) {
      if (FILE_OPTIONS.containsKey(o.baseName())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Checks the output and returns the declared names it writes.
   *
   * @throws InvalidTaskException naming the option or the output that would write outside the declared outputs
   */
  Set<String> check() {
    String url = out.url();
    for (FfmpegCommand.Option o : out.options()) {
      Set<String> users = FILE_OPTIONS.get(o.baseName());
      if (users != null && (muxer == null || !users.contains(muxer))) {
        throw refused("'" + shown(o) + "': names a file, and is an option of the " + String.join("/", users)
            + " muxer, not of " + (muxer == null ? "this output's muxer" : "'" + muxer + "'"));
      }
    }
    List<String> variants = variants(url);
    String m = muxer == null ? "" : muxer;
    switch (m) {
      case "hls" -> hls(url, variants);
      case "dash" -> dash(url);
      case "segment", "ssegment", "stream_segment" -> {
        template("output '" + url + "'", url, variants, false);
        String list = value("segment_list");
        if (list != null) {
          template("'-segment_list " + list + "'", list, variants, false);
        }
      }
      default -> template("output '" + url + "'", url, variants, false);
    }
    return written;
  }

  private void hls(String url, List<String> variants) {
    String where = "output '" + url + "'";
    template(where, url, variants, true);
    String segments = value("hls_segment_filename");
    if (segments != null) {
      template("'-hls_segment_filename " + segments + "'", segments, variants, true);
    }
    // Beside the playlist; when the playlist's folder names the variant ("hls/%v/"), ffmpeg writes the master
    // playlist in the folder above it: both places are checked.
    List<String> dirs = new ArrayList<>(List.of(folderOf(url)));
    int variant = dirs.get(0).indexOf("%v");
    if (variant >= 0) {
      dirs.add(dirs.get(0).substring(0, dirs.get(0).lastIndexOf('/', variant) + 1));
    }
    String master = value("master_pl_name");
    if (master != null) {
      bareName("-master_pl_name", master, false);
      for (String dir : dirs) {
        template("'-master_pl_name " + master + "'", dir + master, variants, true);
      }
    }
    String init = value("hls_fmp4_init_filename");
    if (init != null) {
      bareName("-hls_fmp4_init_filename", init, true);
      if (segments != null) {
        dirs.add(folderOf(segments));
      }
      for (String dir : dirs) {
        template("'-hls_fmp4_init_filename " + init + "'", dir + init, variants, true);
      }
    }
  }

  private void dash(String url) {
    template("output '" + url + "'", url, List.of(), true);
    String dir = folderOf(url);
    for (String option : new String[] {"init_seg_name", "media_seg_name", "single_file_name"}) {
      String t = value(option);
      if (t == null) {
        continue;
      }
      String where = "'-" + option + " " + t + "'";
      String plain = DASH_IDENTIFIER.matcher(t).replaceAll("0");
      if (!OutputName.isRelativePath(plain) && plain.indexOf('$') < 0) {
        throw refused(where + ": " + why(t, "is not a relative file name (letters, digits, '_', '-', '.', '/')"));
      }
      if (plain.indexOf('$') >= 0 || plain.indexOf('%') >= 0) {
        throw refused(where + ": only the identifiers $RepresentationID$, $Bandwidth$, $Number$, $Time$ (with an "
            + "optional %0Nd) and $ext$ may be used in a DASH segment name");
      }
      template(where, dir + plain, List.of(), true);
    }
    String hlsMaster = value("hls_master_name");
    if (hlsMaster != null) {
      bareName("-hls_master_name", hlsMaster, false);
      template("'-hls_master_name " + hlsMaster + "'", dir + hlsMaster, List.of(), true);
    }
  }

  /** A name ffmpeg joins to the playlist's folder: a bare file name ({@code %v} allowed where ffmpeg expands it). */
  private void bareName(String option, String name, boolean variantAllowed) {
    String plain = variantAllowed ? name.replace("%v", "0") : name;
    if (plain.indexOf('/') >= 0 || plain.indexOf('%') >= 0 || !io.ffmpegqueue.TaskRequest.isValidFileName(plain)) {
      throw refused("'" + option + " " + name + "': " + why(name, "must be a bare file name (it is written beside the playlist)"));
    }
  }

  /**
   * Checks every expansion of a name template: it must be a relative path and lie inside a declared
   * folder (or, unless {@code inFolder}, match a declared pattern or file).
   */
  private void template(String where, String template, List<String> variants, boolean inFolder) {
    if (template.contains("%v") && variants.isEmpty()) {
      throw refused(where + ": uses '%v' without -var_stream_map");
    }
    List<String> expanded = new ArrayList<>();
    if (variants.isEmpty()) {
      expanded.add(template);
    } else {
      for (String v : variants) {
        expanded.add(template.replace("%v", v));
      }
    }
    for (String t : expanded) {
      Matcher n = NUMBER.matcher(t);
      String plain = n.find() ? t.substring(0, n.start()) + "0" + t.substring(n.end()) : t;
      if (plain.indexOf('%') >= 0 || !OutputName.isRelativePath(plain)) {
        throw refused(where + ": " + why(t, "is not a relative file name (letters, digits, '_', '-', '.', '/', one "
            + "'%d' or '%0Nd', '%v' with -var_stream_map)"));
      }
      OutputName owner = coveringTemplate(t, inFolder);
      if (owner == null) {
        throw refused(where + ": '" + t + "' is outside the declared outputs ("
            + (inFolder ? "a playlist or manifest and its files must lie inside a declared folder such as 'hls/'; " : "")
            + "declared: " + names() + ")");
      }
      written.add(owner.name());
      for (OutputName d : declared.all()) {
        if (d.kind() == OutputName.Kind.FILE && d.name().equals(t)) {
          written.add(d.name());
        }
      }
    }
  }

  private OutputName coveringTemplate(String template, boolean inFolder) {
    for (OutputName d : declared.all()) {
      if (inFolder && d.kind() != OutputName.Kind.FOLDER) {
        continue;
      }
      if (d.coversTemplate(template)) {
        return d;
      }
    }
    return null;
  }

  /** The names {@code %v} expands to: each {@code -var_stream_map} variant's {@code name:} or its index. */
  private List<String> variants(String url) {
    String map = value("var_stream_map");
    if (map == null) {
      return List.of();
    }
    if (!"hls".equals(muxer)) {
      throw refused("'-var_stream_map " + map + "': is an option of the hls muxer");
    }
    List<String> names = new ArrayList<>();
    String[] groups = map.trim().split("[ \\t]+");
    for (int i = 0; i < groups.length; i++) {
      String name = Integer.toString(i);
      for (String part : groups[i].split(",")) {
        if (part.startsWith("name:")) {
          name = part.substring(5);
        }
      }
      if (!io.ffmpegqueue.TaskRequest.isValidFileName(name)) {
        throw refused("'-var_stream_map " + map + "': the variant name '" + name + "' is not a bare file name");
      }
      names.add(name);
    }
    return names;
  }

  private String value(String option) {
    String v = null;
    for (FfmpegCommand.Option o : out.options()) {
      if (o.baseName().equals(option)) {
        v = o.value();
      }
    }
    return v;
  }

  private static String folderOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash + 1);
  }

  /** Why a name is refused: an absolute path, a climb out with '..', a protocol, or else {@code otherwise}. */
  private static String why(String name, String otherwise) {
    if (name.startsWith("/")) {
      return "'" + name + "' is an absolute path; only relative names inside the declared outputs may be used";
    }
    Matcher p = PROTOCOL.matcher(name);
    if (p.find()) {
      return "'" + name + "' uses the protocol '" + p.group(1) + ":'; only the task's declared files may be used";
    }
    for (String part : name.split("/")) {
      if (part.equals("..")) {
        return "'" + name + "' climbs out of its folder with '..'";
      }
    }
    return "'" + name + "' " + otherwise;
  }

  private String names() {
    List<String> list = new ArrayList<>();
    for (OutputName n : declared.all()) {
      list.add(n.name());
    }
    return String.join(", ", list);
  }

  private static String shown(FfmpegCommand.Option o) {
    return "-" + o.name() + (o.value() == null ? "" : " " + o.value());
  }

  private static InvalidTaskException refused(String message) {
    return new InvalidTaskException("command", message);
  }
}
