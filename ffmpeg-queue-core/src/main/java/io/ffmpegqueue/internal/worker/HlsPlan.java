package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.OutputName;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a folder input's HLS playlists ask of ffmpeg, told before ffmpeg starts: the playlists themselves and
 * their init sections ({@code #EXT-X-MAP}), which ffmpeg must find whole, and the media segments of each media
 * playlist in the order ffmpeg's HLS demuxer opens them (one playlist's segments strictly in turn, the playlists
 * side by side). With a plan, the segments can arrive while ffmpeg runs (see {@link OverlappedHlsInput}).
 *
 * <p>There is no plan, and a reason instead, for what this order cannot serve: byte ranges
 * ({@code #EXT-X-BYTERANGE}, several segments in one file), encryption ({@code #EXT-X-KEY} other than
 * {@code NONE}), a playlist without {@code #EXT-X-ENDLIST} (ffmpeg reads it live, from near its end), I-frame
 * playlists or other tags naming files, a segment named twice or not stored, a URI that is not a relative
 * path inside the folder (the runner's folder check then refuses the task on the whole folder, as before).
 */
final class HlsPlan {
  /** The most a playlist may hold; a bigger one is read whole after the download. */
  static final int MAX_PLAYLIST_BYTES = 8 << 20;
  private static final Pattern URI_ATTRIBUTE = Pattern.compile("URI=\"([^\"]*)\"");
  private static final Pattern METHOD = Pattern.compile("METHOD=([A-Za-z0-9-]+)");

  /**
   * Reads a playlist of the folder (fetching it to its place): its text, ISO-8859-1, or {@code null} when it is
   * over {@link #MAX_PLAYLIST_BYTES}.
   */
  @FunctionalInterface
  interface PlaylistReader {
    String read(String path) throws IOException;
  }

  /**
   * One media segment: its place in the fetch order ({@code index}), its media playlist ({@code lane}), its
   * path in the folder and its start time in its playlist.
   */
  record Segment(int index, int lane, String path, double start) {}

  private final List<String> playlists;
  private final List<String> initSections;
  private final List<List<Segment>> lanes;
  private final List<Segment> order;
  private final String fallback;

  private HlsPlan(List<String> playlists, List<String> initSections, List<List<Segment>> lanes, List<Segment> order,
      String fallback) {
    this.playlists = playlists;
    this.initSections = initSections;
    this.lanes = lanes;
    this.order = order;
    this.fallback = fallback;
  }

  private static HlsPlan fallback(String why) {
    return new HlsPlan(List.of(), List.of(), List.of(), List.of(), why);
  }

  /**
   * Reads the playlist at {@code entry} (a path in the folder) and the media playlists it names, through
   * {@code reader}, and plans the segments among {@code stored} (the folder's files).
   */
  static HlsPlan read(String entry, Set<String> stored, PlaylistReader reader) throws IOException {
    if (!stored.contains(entry)) {
      return fallback("the command reads '" + entry + "', which the folder does not hold");
    }
    String text = reader.read(entry);
    if (text == null) {
      return fallback("'" + entry + "' is over " + (MAX_PLAYLIST_BYTES >> 20) + " MiB");
    }
    if (!text.stripLeading().startsWith("#EXTM3U") && !text.startsWith("\u00ef\u00bb\u00bf#EXTM3U")) {
      return fallback("'" + entry + "' is not an HLS playlist");
    }
    List<String> playlists = new ArrayList<>(List.of(entry));
    List<String> media;
    if (text.contains("#EXT-X-STREAM-INF") || text.contains("#EXT-X-MEDIA:")
        || text.contains("#EXT-X-I-FRAME-STREAM-INF")) {
      media = new ArrayList<>();
      String why = variants(entry, text, media);
      if (why != null) {
        return fallback(why);
      }
      for (String m : media) {
        if (!stored.contains(m)) {
          return fallback("the master playlist names '" + m + "', which the folder does not hold");
        }
      }
      playlists.addAll(media);
    } else {
      media = List.of(entry);
    }
    Set<String> used = new HashSet<>(playlists);
    Set<String> inits = new LinkedHashSet<>();
    List<List<Segment>> lanes = new ArrayList<>();
    List<Segment> all = new ArrayList<>();
    for (int lane = 0; lane < media.size(); lane++) {
      String path = media.get(lane);
      String body = path.equals(entry) ? text : reader.read(path);
      if (body == null) {
        return fallback("'" + path + "' is over " + (MAX_PLAYLIST_BYTES >> 20) + " MiB");
      }
      List<Segment> segments = new ArrayList<>();
      String why = segments(path, body, lane, stored, used, inits, segments);
      if (why != null) {
        return fallback(why);
      }
      lanes.add(List.copyOf(segments));
      all.addAll(segments);
    }
    // ffmpeg reads the playlists side by side, by time: the segments arrive in that order.
    all.sort(Comparator.comparingDouble(Segment::start).thenComparingInt(Segment::lane));
    List<Segment> order = new ArrayList<>(all.size());
    List<List<Segment>> indexed = new ArrayList<>();
    lanes.forEach(l -> indexed.add(new ArrayList<>()));
    for (Segment s : all) {
      Segment n = new Segment(order.size(), s.lane(), s.path(), s.start());
      order.add(n);
      indexed.get(s.lane()).add(n);
    }
    return new HlsPlan(List.copyOf(playlists), List.copyOf(inits), indexed.stream().map(List::copyOf).toList(),
        List.copyOf(order), null);
  }

  /** The media playlists of a master playlist, into {@code media}; or why they cannot be planned. */
  private static String variants(String entry, String text, List<String> media) {
    boolean streamInf = false;
    for (String raw : text.split("\r?\n|\r")) {
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      String uri = null;
      if (line.startsWith("#")) {
        Matcher m = URI_ATTRIBUTE.matcher(line);
        if (line.startsWith("#EXT-X-STREAM-INF")) {
          streamInf = true;
        } else if (line.startsWith("#EXT-X-MEDIA:") && m.find()) {
          uri = m.group(1);
        } else if (m.find()) {
          return "the master playlist '" + entry + "' names a file in a tag other than a variant or a rendition ("
              + line.substring(0, Math.min(line.length(), 40)) + ")";
        }
      } else if (streamInf) {
        uri = line;
        streamInf = false;
      } else {
        return "the master playlist '" + entry + "' names '" + shown(line) + "' outside a variant";
      }
      if (uri != null) {
        String path = resolve(entry, uri);
        if (path == null) {
          return "the master playlist '" + entry + "' names '" + shown(uri) + "', not a path inside the folder";
        }
        if (media.contains(path)) {
          return "the master playlist '" + entry + "' names '" + path + "' twice";
        }
        media.add(path);
      }
    }
    return media.isEmpty() ? "the master playlist '" + entry + "' names no media playlist" : null;
  }

  /** The segments of one media playlist, into {@code out}; or why they cannot be planned. */
  private static String segments(String playlist, String text, int lane, Set<String> stored, Set<String> used,
      Set<String> inits, List<Segment> out) {
    double start = 0;
    double duration = 0;
    boolean ended = false;
    for (String raw : text.split("\r?\n|\r")) {
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      if (!line.startsWith("#")) {
        String path = resolve(playlist, line);
        if (path == null || !stored.contains(path)) {
          return "'" + playlist + "' names '" + shown(line) + "', " + (path == null
              ? "not a path inside the folder" : "which the folder does not hold");
        }
        if (!used.add(path)) {
          return "'" + playlist + "' names '" + path + "' where another line names it too";
        }
        out.add(new Segment(-1, lane, path, start));
        start += duration;
        duration = 0;
        continue;
      }
      String tag = line.toUpperCase(Locale.ROOT);
      if (tag.startsWith("#EXT-X-STREAM-INF") || tag.startsWith("#EXT-X-MEDIA:")) {
        return "'" + playlist + "' is a master playlist named by a master playlist";
      } else if (tag.startsWith("#EXT-X-BYTERANGE")) {
        return "'" + playlist + "' uses byte ranges (#EXT-X-BYTERANGE)";
      } else if (tag.startsWith("#EXT-X-ENDLIST")) {
        ended = true;
      } else if (tag.startsWith("#EXTINF:")) {
        duration = parseDuration(line.substring(8));
      } else if (tag.startsWith("#EXT-X-KEY:") || tag.startsWith("#EXT-X-SESSION-KEY:")) {
        Matcher m = METHOD.matcher(line);
        if (!m.find() || !m.group(1).equalsIgnoreCase("NONE")) {
          return "'" + playlist + "' is encrypted (#EXT-X-KEY)";
        }
      } else if (tag.startsWith("#EXT-X-MAP:")) {
        Matcher m = URI_ATTRIBUTE.matcher(line);
        String path = m.find() ? resolve(playlist, m.group(1)) : null;
        if (path == null || !stored.contains(path) || line.contains("BYTERANGE")) {
          return "'" + playlist + "' has an init section (#EXT-X-MAP) that is not a whole file of the folder";
        }
        if (!inits.contains(path) && !used.add(path)) {
          return "'" + playlist + "' names '" + path + "' as an init section and as another file";
        }
        inits.add(path);
      } else if (URI_ATTRIBUTE.matcher(line).find()) {
        return "'" + playlist + "' names a file in a tag ffmpeg does not read as a segment ("
            + line.substring(0, Math.min(line.length(), 40)) + ")";
      }
    }
    if (!ended) {
      return "'" + playlist + "' has no #EXT-X-ENDLIST (ffmpeg reads it as a live playlist)";
    }
    return out.isEmpty() ? "'" + playlist + "' names no segment" : null;
  }

  private static double parseDuration(String value) {
    int comma = value.indexOf(',');
    try {
      return Double.parseDouble((comma >= 0 ? value.substring(0, comma) : value).strip());
    } catch (NumberFormatException e) {
      return 0; // only the fetch order uses it
    }
  }

  /** {@code uri} as a path in the folder, seen from {@code playlist}'s folder; {@code null} if it is not one. */
  static String resolve(String playlist, String uri) {
    if (uri.indexOf(':') >= 0 || uri.startsWith("/") || uri.indexOf('?') >= 0 || uri.indexOf('#') >= 0) {
      return null;
    }
    int slash = playlist.lastIndexOf('/');
    List<String> parts = new ArrayList<>(slash < 0 ? List.of() : List.of(playlist.substring(0, slash).split("/")));
    for (String part : uri.split("/", -1)) {
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          return null;
        }
        parts.remove(parts.size() - 1);
      } else if (!part.equals(".")) {
        parts.add(part);
      }
    }
    String path = String.join("/", parts);
    return OutputName.isRelativePath(path) ? path : null;
  }

  private static String shown(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }

  /** Why the segments cannot arrive while ffmpeg runs, or {@code null} when they can. */
  String fallback() {
    return fallback;
  }

  /** The playlists (the one the command reads first), which ffmpeg reads whole before its first segment. */
  List<String> playlists() {
    return playlists;
  }

  /** The init sections, which ffmpeg reads whole (it asks a file for its size). */
  List<String> initSections() {
    return initSections;
  }

  /** The segments of each media playlist, in its order. */
  List<List<Segment>> lanes() {
    return lanes;
  }

  /** Every segment in the order to fetch them: by start time, the playlists side by side. */
  List<Segment> order() {
    return order;
  }
}
