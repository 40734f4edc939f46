package io.ffmpegqueue;

import io.ffmpegqueue.ffmpeg.MediaInfo;
import java.net.URI;
import java.util.Objects;

/**
 * One stored output of a completed task.
 *
 * @param name the output file name the request declared
 * @param uri where the storage keeps it ({@code s3://bucket/key}, {@code file:/...}): the task's
 *     {@code output_url} for the first output
 * @param size its size in bytes
 * @param contentType its media type, or {@code null}
 * @param checksum a checksum in the form {@code algorithm:hex} (e.g. {@code sha256:...}), or {@code null}
 * @param downloadUrl a URL a client can fetch it from (a presigned HTTPS URL), or {@code null}
 * @param media what ffprobe says of it, or {@code null} when it was not probed
 */
public record TaskOutput(
    String name, URI uri, long size, String contentType, String checksum, URI downloadUrl, MediaInfo media) {
  /** Checks the required fields. */
  public TaskOutput {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uri, "uri");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative");
    }
  }

  /** The same output with ffprobe's description. */
  public TaskOutput withMedia(MediaInfo media) {
    return new TaskOutput(name, uri, size, contentType, checksum, downloadUrl, media);
  }
}
