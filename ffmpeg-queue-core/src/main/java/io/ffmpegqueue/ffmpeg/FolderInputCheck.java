package io.ffmpegqueue.ffmpeg;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.InputFolders;
import io.ffmpegqueue.TaskFailureException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks the playlists inside folder inputs ({@link InputFolders}) before ffmpeg starts. ffmpeg's HLS demuxer
 * opens every URI a playlist names (variant playlists, segments, init sections, keys) with the {@code file}
 * protocol, so each must be a relative name that stays inside the playlist's folder input: no scheme, no
 * absolute path, no climb out with {@code ..}, nothing but letters, digits, {@code _ - . /}. A playlist is any
 * file there whose first bytes are {@code #EXTM3U}, whatever its name: ffmpeg probes content, not names.
 */
final class FolderInputCheck {
  private static final int HEAD = 4096;
  private static final Pattern URI_ATTRIBUTE = Pattern.compile("URI=\"([^\"]*)\"");

  private FolderInputCheck() {}

  /**
   * Checks every folder input among {@code inputs} in {@code workspace}.
   *
   * @throws TaskFailureException of kind {@link ErrorKind#INPUT} naming the input, the playlist and the URI
   */
  static void check(Path workspace, List<String> inputs) {
    for (String name : inputs) {
      if (!InputFolders.isFolder(name)) {
        continue;
      }
      Path root = workspace.resolve(name).toAbsolutePath().normalize();
      if (!Files.isDirectory(root)) {
        continue; // not fetched: ffmpeg reports the missing file
      }
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          if (Files.isRegularFile(file) && isPlaylist(file)) {
            checkPlaylist(name, root, file);
          }
        }
      } catch (IOException e) {
        throw new TaskFailureException(ErrorKind.INPUT, "input '" + name + "': cannot read the folder: " + e.getMessage(), false);
      }
    }
  }

  private static boolean isPlaylist(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return "hls".equals(InputSniffer.playlistKind(new String(in.readNBytes(HEAD), StandardCharsets.ISO_8859_1)));
    }
  }

  private static void checkPlaylist(String input, Path root, Path playlist) throws IOException {
    Path dir = playlist.getParent();
    try (BufferedReader lines = Files.newBufferedReader(playlist, StandardCharsets.ISO_8859_1)) {
      String line;
      while ((line = lines.readLine()) != null) {
        String l = line.strip();
        if (l.isEmpty()) {
          continue;
        }
        if (!l.startsWith("#")) {
          checkUri(input, root, dir, playlist, l);
          continue;
        }
        Matcher m = URI_ATTRIBUTE.matcher(l);
        while (m.find()) {
          checkUri(input, root, dir, playlist, m.group(1));
        }
      }
    }
  }

  private static void checkUri(String input, Path root, Path dir, Path playlist, String uri) {
    String why = null;
    if (uri.startsWith("/")) {
      why = "is an absolute path";
    } else if (uri.indexOf(':') >= 0) {
      why = "names a URL";
    } else if (!hasNameChars(uri)) {
      why = "is not a relative name of letters, digits, '_', '-', '.', '/'";
    } else {
      Path target = dir.resolve(uri).normalize();
      if (!target.startsWith(root) || target.equals(root)) {
        why = "climbs out of the folder input";
      }
    }
    if (why != null) {
      String shown = uri.length() <= 80 ? uri : uri.substring(0, 80) + "...";
      throw new TaskFailureException(ErrorKind.INPUT, "input '" + input + "': the playlist '" + input
          + root.relativize(playlist) + "' names '" + shown + "', which " + why + "; a playlist in a folder input may "
          + "name only files inside that folder", false);
    }
  }

  private static boolean hasNameChars(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
          || c == '-' || c == '/')) {
        return false;
      }
    }
    return !s.isEmpty();
  }
}
