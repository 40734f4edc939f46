package io.ffmpegqueue;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One declared output, as written in a request: a plain file ({@code "output.mp4"}), a folder with a
 * trailing slash ({@code "hls/"}: every file ffmpeg writes under it is an output) or a numbered sequence
 * ({@code "thumb_%03d.jpg"}: {@code %d} or {@code %0Nd} once; every file matching it is an output).
 *
 * <pre>{@code
 * OutputName.parse("hls/").covers("hls/seg_001.ts");           // true
 * OutputName.parse("thumb_%03d.jpg").covers("thumb_012.jpg");  // true
 * OutputName.parse("thumb_%03d.jpg").covers("thumb_12.jpg");   // false: ffmpeg writes at least 3 digits
 * }</pre>
 *
 * <p>Every name is a relative path of at most {@value #MAX_DEPTH} parts, each a bare file name
 * ({@code [A-Za-z0-9_.-]}, no {@code ..}, not starting with {@code -}); a plain file may have a folder part
 * only inside a declared folder ({@link TaskRequest} checks that).
 *
 * @param name the name as declared
 * @param kind what it declares
 */
public record OutputName(String name, Kind kind) {
  /** The most parts a declared name or a stored output path may have. */
  public static final int MAX_DEPTH = 8;

  private static final Pattern NUMBER = Pattern.compile("%(0([1-9]))?d");

  /** What a declared name stands for. */
  public enum Kind {
    /** One file. */
    FILE,
    /** Every file under a folder. */
    FOLDER,
    /** Every file matching a numbered pattern. */
    SEQUENCE
  }

  /** Checks the fields. */
  public OutputName {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
  }

  /**
   * Reads a declared output name.
   *
   * @throws InvalidTaskException for {@code output_files}, saying what is wrong with it
   */
  public static OutputName parse(String name) {
    if (name == null || name.isEmpty() || name.length() > 1024) {
      throw invalid(name, "must be 1 to 1024 characters");
    }
    if (name.endsWith("/")) {
      String folder = name.substring(0, name.length() - 1);
      if (!isRelativePath(folder)) {
        throw invalid(name, "is not a folder name (parts of letters, digits, '_', '-', '.' separated by '/', "
            + "no '..', no leading '/', at most " + MAX_DEPTH + " parts)");
      }
      return new OutputName(name, Kind.FOLDER);
    }
    if (name.indexOf('%') >= 0) {
      String rest = NUMBER.matcher(name).replaceFirst("0");
      if (rest.equals(name) || rest.indexOf('%') >= 0 || !isRelativePath(rest)) {
        throw invalid(name, "is not a numbered pattern (one '%d' or '%0Nd' with N from 1 to 9, in a file name "
            + "of letters, digits, '_', '-', '.')");
      }
      return new OutputName(name, Kind.SEQUENCE);
    }
    if (!isRelativePath(name)) {
      throw invalid(name, "is not a bare file name (letters, digits, '_', '-', '.'; no '..', not starting with "
          + "'-'), a folder ending in '/' or a numbered pattern such as 'thumb_%03d.jpg'");
    }
    return new OutputName(name, Kind.FILE);
  }

  /**
   * Whether {@code path} is a relative path a stored output may have: 1 to {@value #MAX_DEPTH} parts
   * separated by {@code /}, each a bare file name.
   */
  public static boolean isRelativePath(String path) {
    if (path == null || path.isEmpty() || path.length() > 1024) {
      return false;
    }
    int parts = 0;
    int start = 0;
    while (true) {
      int slash = path.indexOf('/', start);
      String part = slash < 0 ? path.substring(start) : path.substring(start, slash);
      if (!TaskRequest.isValidFileName(part) || ++parts > MAX_DEPTH) {
        return false;
      }
      if (slash < 0) {
        return true;
      }
      start = slash + 1;
    }
  }

  /** Whether this is a plain file name without a folder part, stored by itself as before folders existed. */
  public boolean isBareFile() {
    return kind == Kind.FILE && name.indexOf('/') < 0;
  }

  /** The folder part with its trailing {@code /} ({@code "hls/"} of {@code "hls/index.m3u8"}), or {@code ""}. */
  public String folder() {
    int slash = kind == Kind.FOLDER ? name.length() - 1 : name.lastIndexOf('/');
    return slash < 0 ? "" : name.substring(0, slash + 1);
  }

  /** Whether the file at relative {@code path} is one of the files this declaration stands for. */
  public boolean covers(String path) {
    return switch (kind) {
      case FILE -> name.equals(path);
      case FOLDER -> path.length() > name.length() && path.startsWith(name);
      case SEQUENCE -> sequenceMatches(path);
    };
  }

  /**
   * Whether every file a numbered name template writes is covered: {@code template} holds at most one
   * {@code %d}/{@code %0Nd}, which ffmpeg replaces with at least N digits.
   */
  public boolean coversTemplate(String template) {
    java.util.regex.Matcher m = NUMBER.matcher(template);
    if (!m.find()) {
      return covers(template);
    }
    String prefix = template.substring(0, m.start());
    String suffix = template.substring(m.end());
    if (suffix.indexOf('%') >= 0) {
      return false;
    }
    int width = m.group(2) == null ? 1 : m.group(2).charAt(0) - '0';
    return switch (kind) {
      case FILE -> false;
      case FOLDER -> prefix.startsWith(name);
      case SEQUENCE -> {
        java.util.regex.Matcher d = NUMBER.matcher(name);
        d.find();
        int declared = d.group(2) == null ? 1 : d.group(2).charAt(0) - '0';
        yield prefix.equals(name.substring(0, d.start())) && suffix.equals(name.substring(d.end())) && width >= declared;
      }
    };
  }

  private boolean sequenceMatches(String path) {
    java.util.regex.Matcher d = NUMBER.matcher(name);
    d.find();
    String prefix = name.substring(0, d.start());
    String suffix = name.substring(d.end());
    int width = d.group(2) == null ? 1 : d.group(2).charAt(0) - '0';
    if (!path.startsWith(prefix) || !path.endsWith(suffix) || path.length() < prefix.length() + suffix.length() + width) {
      return false;
    }
    for (int i = prefix.length(); i < path.length() - suffix.length(); i++) {
      char c = path.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static InvalidTaskException invalid(String name, String why) {
    String shown = name == null ? "null" : name.length() <= 80 ? name : name.substring(0, 80) + "...";
    return new InvalidTaskException("output_files", "'" + shown + "' " + why);
  }
}
