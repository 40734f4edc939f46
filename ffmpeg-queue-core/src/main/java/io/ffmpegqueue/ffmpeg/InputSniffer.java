package io.ffmpegqueue.ffmpeg;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Refuses inputs whose content is a playlist (HLS, concat list, DASH manifest, IMF composition): such a
 * file names other files or URLs, which filters like {@code movie} or {@code subtitles} would open without
 * the per-input whitelists. Inputs given to {@code -i} are refused by ffmpeg's format whitelist as well.
 */
final class InputSniffer {
  private static final int HEAD = 4096;

  private InputSniffer() {}

  /**
   * Checks each of {@code names} in {@code workspace} that exists.
   *
   * @throws TaskFailureException of kind {@link ErrorKind#INPUT} naming the input and the playlist kind
   */
  public static void check(Path workspace, List<String> names, CommandPolicy policy) {
    for (String name : names) {
      Path file = workspace.resolve(name);
      if (!Files.isRegularFile(file)) {
        continue;
      }
      String head;
      try (InputStream in = Files.newInputStream(file)) {
        head = new String(in.readNBytes(HEAD), StandardCharsets.ISO_8859_1);
      } catch (IOException e) {
        continue; // ffmpeg will report it
      }
      String kind = playlistKind(head);
      if (kind != null && !policy.allowsInputFormat(kind)) {
        throw new TaskFailureException(ErrorKind.INPUT, "input '" + name + "' is a playlist (" + kind
            + "), which could reach files outside the task; the command policy does not allow it", false);
      }
    }
  }

  /** The demuxer a file's first bytes announce when they are a playlist, else {@code null}. */
  static String playlistKind(String head) {
    String h = head.startsWith("\u00ef\u00bb\u00bf") ? head.substring(3) : head;
    String trimmed = h.stripLeading();
    if (trimmed.startsWith("#EXTM3U")) {
      return "hls";
    }
    if (trimmed.startsWith("ffconcat version")) {
      return "concat";
    }
    if (trimmed.startsWith("<")) {
      if (h.contains("<MPD")) {
        return "dash";
      }
      if (h.contains("<CompositionPlaylist")) {
        return "imf";
      }
    }
    return null;
  }
}
