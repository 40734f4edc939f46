package io.ffmpegqueue.internal.http;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import okhttp3.HttpUrl;

/**
 * How URLs, sizes and durations appear in messages. A URL loses its user info, query and fragment: signed
 * URLs carry their signature there, and messages end up in task records, logs and API responses.
 */
public final class Urls {
  private static final int MAX_PATH = 160;

  private Urls() {}

  /** {@code scheme://host[:port]/path}, without credentials, query or fragment. */
  public static String redact(HttpUrl url) {
    String host = url.host().indexOf(':') >= 0 ? "[" + url.host() + "]" : url.host();
    String port = url.port() == HttpUrl.defaultPort(url.scheme()) ? "" : ":" + url.port();
    return url.scheme() + "://" + host + port + abbreviate(url.encodedPath());
  }

  /** The same for a URI that may not even parse as an HTTP URL. */
  public static String redact(URI uri) {
    HttpUrl parsed = HttpUrl.parse(uri.toString());
    if (parsed != null) {
      return redact(parsed);
    }
    String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
    int at = authority.lastIndexOf('@');
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return uri.getScheme() + "://" + authority.substring(at + 1) + abbreviate(path);
  }

  private static String abbreviate(String path) {
    return path.length() <= MAX_PATH ? path : path.substring(0, MAX_PATH) + "...";
  }

  /** {@code 512 B}, {@code 1.5 MiB}, {@code 10.0 GiB}. */
  public static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** {@code 250 ms}, {@code 30 s}, {@code 1.5 s}, {@code 10 min}. */
  public static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 120_000) {
      return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    long s = d.toSeconds();
    return s % 60 == 0 ? s / 60 + " min" : s + " s";
  }
}
