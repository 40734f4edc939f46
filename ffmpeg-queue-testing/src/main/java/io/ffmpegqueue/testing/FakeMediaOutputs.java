package io.ffmpegqueue.testing;

import io.ffmpegqueue.OutputName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@link FakeFfmpegRunner} writes for a declared folder ({@code "hls/"}), numbered pattern
 * ({@code "thumb_%03d.jpg"}) or file inside a folder ({@code "hls/master.m3u8"}), as ffmpeg would: two segments
 * per folder ({@code seg_000.ts}, {@code seg_001.ts}) with a playlist naming them ({@code index.m3u8}, unless a
 * declared file in the folder is the playlist), two numbered files per pattern (1 and 2), and for a declared
 * {@code .m3u8} a playlist naming its folder's segments.
 */
final class FakeMediaOutputs {
  /** The segments written into each declared folder. */
  static final List<String> SEGMENTS = List.of("seg_000.ts", "seg_001.ts");

  private static final Pattern NUMBER = Pattern.compile("%(0[1-9])?d");

  private FakeMediaOutputs() {}

  /** Writes the files {@code declared} stands for under {@code workspace}. */
  static void write(Path workspace, OutputName declared, List<String> allDeclared, byte[] content) throws IOException {
    switch (declared.kind()) {
      case FOLDER -> {
        String folder = declared.name();
        for (String segment : SEGMENTS) {
          file(workspace, folder + segment, content);
        }
        boolean playlistDeclared = false;
        for (String other : allDeclared) {
          playlistDeclared |= other.startsWith(folder) && other.length() > folder.length() && other.endsWith(".m3u8");
        }
        if (!playlistDeclared) {
          file(workspace, folder + "index.m3u8", playlist(folder, folder).getBytes(StandardCharsets.UTF_8));
        }
      }
      case SEQUENCE -> {
        Matcher m = NUMBER.matcher(declared.name());
        m.find();
        for (int n = 1; n <= 2; n++) {
          String name = declared.name().substring(0, m.start()) + String.format(m.group(), n)
              + declared.name().substring(m.end());
          file(workspace, name, content);
        }
      }
      case FILE -> {
        String name = declared.name();
        if (name.endsWith(".m3u8")) {
          file(workspace, name, playlist(declared.folder(), folderOf(name, allDeclared)).getBytes(StandardCharsets.UTF_8));
        } else {
          file(workspace, name, content);
        }
      }
    }
  }

  /** A VOD media playlist in {@code dir} naming the segments of {@code folder}, relative to {@code dir}. */
  private static String playlist(String dir, String folder) {
    StringBuilder s = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n"
        + "#EXT-X-PLAYLIST-TYPE:VOD\n");
    for (String segment : SEGMENTS) {
      s.append("#EXTINF:1.000000,\n").append((folder + segment).substring(dir.length())).append('\n');
    }
    return s.append("#EXT-X-ENDLIST\n").toString();
  }

  /** The declared folder a file lies in (its segments are that folder's). */
  private static String folderOf(String name, List<String> allDeclared) {
    List<String> folders = new ArrayList<>();
    for (String d : allDeclared) {
      if (d.endsWith("/") && name.startsWith(d)) {
        folders.add(d);
      }
    }
    return folders.isEmpty() ? OutputName.parse(name).folder() : folders.get(0);
  }

  private static void file(Path workspace, String name, byte[] content) throws IOException {
    Path file = workspace.resolve(name);
    Files.createDirectories(file.getParent());
    Files.write(file, content);
  }
}
