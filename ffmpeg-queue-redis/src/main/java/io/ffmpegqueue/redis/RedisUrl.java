package io.ffmpegqueue.redis;

import io.lettuce.core.RedisURI;
import java.time.Duration;

/** {@code REDIS_URL}-style addresses: {@code redis://[user:password@]host:port[/db]}, {@code rediss://} for TLS. */
final class RedisUrl {
  private RedisUrl() {}

  /**
   * The Lettuce address of {@code url}.
   *
   * @throws IllegalArgumentException naming what is wrong, without the password
   */
  static RedisURI parse(String url, Duration timeout) {
    if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
      throw new IllegalArgumentException("'" + redact(url) + "' is not a redis:// or rediss:// URL");
    }
    RedisURI uri;
    try {
      uri = RedisURI.create(url);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("'" + redact(url) + "' is not a valid Redis URL", e);
    }
    uri.setTimeout(timeout);
    return uri;
  }

  /** The URL without its user and password, for messages. */
  static String redact(String url) {
    int scheme = url.indexOf("://");
    int at = url.lastIndexOf('@');
    return scheme >= 0 && at > scheme ? url.substring(0, scheme + 3) + "***@" + url.substring(at + 1) : url;
  }
}
