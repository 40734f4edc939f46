package io.ffmpegqueue.ffmpeg;

import java.util.List;

/**
 * What a media file holds: what ffmpeg reported as it wrote it, or what ffprobe says of it
 * ({@link OutputDescription}).
 *
 * @param formatName the container format: the muxer that wrote it ({@code "mp4"}) in ffmpeg's report, the
 *     demuxers that read it ({@code "mov,mp4,m4a,3gp,3g2,mj2"}) from ffprobe; or {@code null}
 * @param durationSeconds the duration in seconds, or {@code null} when unknown
 * @param streams the streams, in file order
 */
public record MediaInfo(String formatName, Double durationSeconds, List<StreamInfo> streams) {
  /** Copies the stream list. */
  public MediaInfo {
    streams = streams == null ? List.of() : List.copyOf(streams);
  }

  /**
   * One stream of a media file.
   *
   * @param index the stream index
   * @param type {@code video}, {@code audio}, {@code subtitle}, {@code data}
   * @param codec the codec name ({@code h264}), or {@code null}
   * @param width the width in pixels for video, else {@code null}
   * @param height the height in pixels for video, else {@code null}
   */
  public record StreamInfo(int index, String type, String codec, Integer width, Integer height) {}
}
