package io.ffmpegqueue.ffmpeg;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What ffmpeg's own stderr says of its outputs: each {@code Output #N, muxer, to 'name':} block and its
 * {@code Stream #N:M: Type: codec ..., WxH, ...} lines, printed (at log level {@code info} and above) when it
 * writes the output's header. Saves starting ffprobe on a file whose streams ffmpeg has just described.
 *
 * <p>Fed by the thread that reads stderr, and read by the runner after that thread ended ({@code join}), so it
 * locks only in case a reader outlived its bounded join.
 */
final class OutputReport {
  private static final Pattern OUTPUT = Pattern.compile("^Output #(\\d+), ([^,]+), to '([^']*)':");
  private static final Pattern STREAM = Pattern.compile(
      "^\\s+Stream #(\\d+):(\\d+)(?:\\[[^]]*])?(?:\\([^)]*\\))?: (Video|Audio|Subtitle|Data|Attachment): ([^ ,]+)(.*)$");
  private static final Pattern SIZE = Pattern.compile(", (\\d{1,5})x(\\d{1,5})(?=$|[ ,])");

  private final Map<String, Entry> byName = new HashMap<>();
  private final Map<Integer, Entry> byIndex = new HashMap<>();
  private int current = -1;

  private record Entry(String format, List<MediaInfo.StreamInfo> streams) {}

  /** Takes one stderr line. */
  public synchronized void acceptStderrLine(String line) {
    if (line.isEmpty() || line.charAt(0) != ' ') {
      current = -1;
      Matcher o = OUTPUT.matcher(line);
      if (o.find()) {
        int index = Integer.parseInt(o.group(1));
        Entry e = new Entry(o.group(2).trim(), new ArrayList<>());
        byIndex.put(index, e);
        byName.putIfAbsent(o.group(3), e);
        current = index;
      }
      return;
    }
    if (current < 0) {
      return;
    }
    Matcher s = STREAM.matcher(line);
    if (s.find() && Integer.parseInt(s.group(1)) == current) {
      Entry e = byIndex.get(current);
      Integer width = null;
      Integer height = null;
      if (s.group(3).equals("Video")) {
        Matcher d = SIZE.matcher(s.group(5));
        if (d.find()) {
          width = Integer.valueOf(d.group(1));
          height = Integer.valueOf(d.group(2));
        }
      }
      e.streams().add(new MediaInfo.StreamInfo(Integer.parseInt(s.group(2)), s.group(3).toLowerCase(Locale.ROOT),
          s.group(4), width, height));
    }
  }

  /**
   * The description of the output written to {@code name}, with {@code durationSeconds} (or {@code null}),
   * or {@code null} when ffmpeg reported no stream of it.
   */
  public synchronized MediaInfo describe(String name, Double durationSeconds) {
    Entry e = byName.get(name);
    if (e == null) {
      return null;
    }
    return e.streams().isEmpty() ? null : new MediaInfo(e.format(), durationSeconds, e.streams());
  }
}
