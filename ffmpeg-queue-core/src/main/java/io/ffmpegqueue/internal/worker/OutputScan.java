package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.OutputName;
import io.ffmpegqueue.OutputNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One look at a workspace while ffmpeg writes into it: the files of the declared folders and patterns, and
 * which of them ffmpeg has finished. A segment is finished once a playlist lists it (HLS writes a media
 * playlist after each segment it closes), or once a later file of the same numbered series exists (DASH
 * chunks, segment-muxer files, image sequences: ffmpeg closes one before it opens the next). Playlists and
 * manifests are never finished while ffmpeg runs: they are stored last.
 */
final class OutputScan {
  private static final Pattern LAST_NUMBER = Pattern.compile("(\\d+)\\D*$");
  private static final Pattern URI_ATTRIBUTE = Pattern.compile("URI=\"([^\"]+)\"");
  /** Playlists larger than this are not read for segment names (a VOD playlist of 20,000 segments is ~1 MiB). */
  private static final long MAX_PLAYLIST_BYTES = 8L << 20;

  /**
   * One file found.
   *
   * @param name its path relative to the workspace, with {@code /}
   * @param path where it is
   * @param size its size when seen
   * @param modified its modification time when seen, in milliseconds
   */
  record Found(String name, Path path, long size, long modified) {
    boolean sameAs(Found other) {
      return other != null && other.size == size && other.modified == modified;
    }
  }

  private OutputScan() {}

  /** Whether the file is a playlist or manifest, which ffmpeg rewrites until it exits. */
  static boolean isPlaylist(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".m3u8") || n.endsWith(".mpd");
  }

  /**
   * The files under the declared folders and matching the declared patterns, by name; temporary files
   * ({@code .tmp}, hidden names) are left out, as ffmpeg renames them when they are complete.
   */
  static Map<String, Found> files(Path workspace, OutputNames names) throws IOException {
    Map<String, Found> found = new LinkedHashMap<>();
    Set<Path> walked = new HashSet<>();
    for (OutputName n : names.collections()) {
      Path dir = n.folder().isEmpty() ? workspace : workspace.resolve(n.folder());
      if (!Files.isDirectory(dir) || !walked.add(dir)) {
        continue;
      }
      int depth = n.kind() == OutputName.Kind.FOLDER ? OutputName.MAX_DEPTH : 1;
      try (Stream<Path> s = Files.walk(dir, depth)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          String name = workspace.relativize(p).toString().replace('\\', '/');
          if (name.isEmpty() || isTemporary(name)) {
            continue;
          }
          OutputName owner = names.covering(name);
          if (owner == null || owner.isBareFile()) {
            continue;
          }
          try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            if (a.isRegularFile()) {
              found.put(name, new Found(name, p, a.size(), a.lastModifiedTime().toMillis()));
            }
          } catch (NoSuchFileException gone) {
            // renamed or deleted by ffmpeg since the listing (temporary files, delete_segments)
          }
        }
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof NoSuchFileException)) {
          throw e.getCause();
        }
      }
    }
    return found;
  }

  private static boolean isTemporary(String name) {
    if (name.endsWith(".tmp")) {
      return true;
    }
    for (String part : name.split("/")) {
      if (part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** The names among {@code files} that ffmpeg has finished writing, by the rules in the class comment. */
  static Set<String> finished(Map<String, Found> files) throws IOException {
    Set<String> done = new HashSet<>();
    for (Found f : files.values()) {
      if (isPlaylist(f.name()) && f.name().endsWith(".m3u8") && f.size() <= MAX_PLAYLIST_BYTES) {
        listedIn(f, done);
      }
    }
    // Numbered series: every file but the highest of its series is closed.
    Map<String, Found> highest = new HashMap<>();
    Map<String, Long> highestNumber = new HashMap<>();
    List<Found> numbered = new ArrayList<>();
    for (Found f : files.values()) {
      if (isPlaylist(f.name())) {
        continue;
      }
      String series = series(f.name());
      if (series == null) {
        continue;
      }
      numbered.add(f);
      long number = number(f.name());
      Long best = highestNumber.get(series);
      if (best == null || number > best) {
        highestNumber.put(series, number);
        highest.put(series, f);
      }
    }
    for (Found f : numbered) {
      if (highest.get(series(f.name())) != f) {
        done.add(f.name());
      }
    }
    done.retainAll(files.keySet());
    return done;
  }

  private static void listedIn(Found playlist, Set<String> done) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(playlist.path(), StandardCharsets.UTF_8);
    } catch (NoSuchFileException gone) {
      return;
    }
    int slash = playlist.name().lastIndexOf('/');
    String dir = slash < 0 ? "" : playlist.name().substring(0, slash + 1);
    for (String line : lines) {
      String l = line.trim();
      if (l.isEmpty()) {
        continue;
      }
      if (l.startsWith("#")) {
        Matcher m = URI_ATTRIBUTE.matcher(l);
        while (m.find()) {
          add(dir, m.group(1), done);
        }
      } else {
        add(dir, l, done);
      }
    }
  }

  private static void add(String dir, String uri, Set<String> done) {
    if (uri.indexOf(':') >= 0 || uri.startsWith("/") || uri.indexOf('?') >= 0) {
      return;
    }
    String name = Path.of(dir + uri).normalize().toString().replace('\\', '/');
    if (OutputName.isRelativePath(name)) {
      done.add(name);
    }
  }

  /**
   * The file's series: its name with the last run of digits before the extension taken out
   * ({@code hls/seg_#.ts}), or {@code null} when it has none.
   */
  private static String series(String name) {
    Matcher m = lastNumber(name);
    return m == null ? null : name.substring(0, m.start(1)) + "#" + name.substring(m.end(1));
  }

  private static long number(String name) {
    String digits = lastNumber(name).group(1);
    return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
  }

  private static Matcher lastNumber(String name) {
    int slash = name.lastIndexOf('/');
    int dot = name.lastIndexOf('.');
    int end = dot > slash ? dot : name.length();
    Matcher m = LAST_NUMBER.matcher(name);
    m.region(slash + 1, end);
    return m.find() ? m : null;
  }
}
