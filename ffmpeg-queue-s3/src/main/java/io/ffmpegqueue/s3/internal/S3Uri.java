package io.ffmpegqueue.s3.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * An {@code s3://bucket/key} address. The key is kept decoded; {@link #toUri()} encodes what a URI must.
 *
 * @param bucket the bucket name
 * @param key the object key, without a leading slash
 */
public record S3Uri(String bucket, String key) {
  /** Checks the parts. */
  public S3Uri {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
  }

  /**
   * Parses {@code s3://bucket/key}.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static S3Uri parse(URI uri) {
    if (uri.getScheme() == null || !uri.getScheme().toLowerCase(Locale.ROOT).equals("s3")) {
      throw new IllegalArgumentException("is not an s3:// URI");
    }
    if (uri.isOpaque()) {
      throw new IllegalArgumentException("must look like s3://bucket/key");
    }
    String bucket = uri.getRawAuthority();
    if (bucket == null || bucket.isEmpty()) {
      throw new IllegalArgumentException("names no bucket (s3://bucket/key)");
    }
    if (uri.getUserInfo() != null || uri.getPort() != -1 || !Buckets.isValidName(bucket)) {
      throw new IllegalArgumentException("has an invalid bucket name");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("must have no query or fragment");
    }
    String path = uri.getPath();
    if (path == null || path.length() <= 1) {
      throw new IllegalArgumentException("names no object key (s3://bucket/key)");
    }
    return new S3Uri(bucket, path.substring(1));
  }

  /** The {@code s3://} URI, with the key's special characters percent-encoded. */
  public URI toUri() {
    try {
      return new URI("s3", bucket, "/" + key, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("cannot make an s3:// URI of bucket '" + bucket + "'", e);
    }
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + key;
  }
}
