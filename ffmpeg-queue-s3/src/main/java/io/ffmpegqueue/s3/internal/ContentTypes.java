package io.ffmpegqueue.s3.internal;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Media types by file extension for what ffmpeg writes, so a browser plays a presigned URL instead of
 * downloading {@code application/octet-stream}. The JDK's own guess depends on the platform; this does not.
 */
public final class ContentTypes {
  /** The type of an extension nobody knows. */
  public static final String DEFAULT = "application/octet-stream";

  private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
      Map.entry("mp4", "video/mp4"),
      Map.entry("m4v", "video/mp4"),
      Map.entry("mov", "video/quicktime"),
      Map.entry("webm", "video/webm"),
      Map.entry("mkv", "video/x-matroska"),
      Map.entry("avi", "video/x-msvideo"),
      Map.entry("flv", "video/x-flv"),
      Map.entry("ts", "video/mp2t"),
      Map.entry("m2ts", "video/mp2t"),
      Map.entry("mpg", "video/mpeg"),
      Map.entry("mpeg", "video/mpeg"),
      Map.entry("ogv", "video/ogg"),
      Map.entry("3gp", "video/3gpp"),
      Map.entry("gif", "image/gif"),
      Map.entry("mp3", "audio/mpeg"),
      Map.entry("m4a", "audio/mp4"),
      Map.entry("aac", "audio/aac"),
      Map.entry("wav", "audio/wav"),
      Map.entry("flac", "audio/flac"),
      Map.entry("ogg", "audio/ogg"),
      Map.entry("oga", "audio/ogg"),
      Map.entry("opus", "audio/opus"),
      Map.entry("jpg", "image/jpeg"),
      Map.entry("jpeg", "image/jpeg"),
      Map.entry("png", "image/png"),
      Map.entry("webp", "image/webp"),
      Map.entry("avif", "image/avif"),
      Map.entry("bmp", "image/bmp"),
      Map.entry("m3u8", "application/vnd.apple.mpegurl"),
      Map.entry("mpd", "application/dash+xml"),
      Map.entry("m4s", "video/iso.segment"),
      Map.entry("vtt", "text/vtt"),
      Map.entry("srt", "application/x-subrip"),
      Map.entry("json", "application/json"),
      Map.entry("txt", "text/plain"));

  private final Map<String, String> overrides;

  /** The built-in table plus {@code overrides} (extension without the dot, lowercase, to media type). */
  public ContentTypes(Map<String, String> overrides) {
    Map<String, String> copy = new HashMap<>();
    overrides.forEach((k, v) -> copy.put(k.toLowerCase(Locale.ROOT), v));
    this.overrides = Map.copyOf(copy);
  }

  /** The media type of file {@code name}, {@link #DEFAULT} when the extension is unknown. */
  public String of(String name) {
    int dot = name.lastIndexOf('.');
    if (dot < 0 || dot == name.length() - 1) {
      return DEFAULT;
    }
    String ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
    String t = overrides.get(ext);
    if (t == null) {
      t = BY_EXTENSION.get(ext);
    }
    return t == null ? DEFAULT : t;
  }
}
