package io.ffmpegqueue.io;

import java.net.URI;
import java.util.Objects;

/**
 * An output as a storage keeps it.
 *
 * @param uri where it is ({@code s3://bucket/key}, {@code file:/...})
 * @param size its size in bytes
 * @param contentType its media type, or {@code null}
 * @param checksum {@code algorithm:hex}, or {@code null}
 * @param downloadUrl a URL a client may fetch it from (e.g. presigned), or {@code null}
 */
public record StoredObject(URI uri, long size, String contentType, String checksum, URI downloadUrl) {
  /** Checks the fields. */
  public StoredObject {
    Objects.requireNonNull(uri, "uri");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative");
    }
  }
}
