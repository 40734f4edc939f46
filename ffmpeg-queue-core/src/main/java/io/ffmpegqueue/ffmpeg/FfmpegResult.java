package io.ffmpegqueue.ffmpeg;

import java.time.Duration;
import java.util.Map;

/**
 * What a successful ffmpeg run produced.
 *
 * @param media ffprobe's description of each output by name (an output may be absent when not probed)
 * @param elapsed how long ffmpeg ran
 */
public record FfmpegResult(Map<String, MediaInfo> media, Duration elapsed) {
  /** Copies the map. */
  public FfmpegResult {
    media = media == null ? Map.of() : Map.copyOf(media);
    elapsed = elapsed == null ? Duration.ZERO : elapsed;
  }
}
