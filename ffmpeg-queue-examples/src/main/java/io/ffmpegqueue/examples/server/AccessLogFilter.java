package io.ffmpegqueue.examples.server;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One line per request: method, path, status and time, e.g. {@code POST /ffmpeg/register 200 0.4ms}.
 * Never the query string, the headers or the body, which may hold tokens or signed URLs. For an event
 * stream the time is until the stream started.
 */
final class AccessLogFilter extends Filter {
  private final Consumer<String> sink;

  AccessLogFilter(Consumer<String> sink) {
    this.sink = sink;
  }

  @Override
  public void doFilter(HttpExchange ex, Chain chain) throws IOException {
    long start = System.nanoTime();
    try {
      chain.doFilter(ex);
    } finally {
      long micros = (System.nanoTime() - start) / 1000;
      int status = ex.getResponseCode();
      sink.accept(ex.getRequestMethod() + " " + printable(ex.getRequestURI().getRawPath()) + " "
          + (status < 0 ? "-" : Integer.toString(status)) + " "
          + String.format(Locale.ROOT, "%.1fms", micros / 1000.0));
    }
  }

  @Override
  public String description() {
    return "access log";
  }

  /** The path as sent (percent-encoded), cut short and without control characters that could forge lines. */
  private static String printable(String path) {
    String p = path == null ? "" : path;
    if (p.length() > 200) {
      p = p.substring(0, 200) + "...";
    }
    return p.replaceAll("[\\p{Cntrl}\\s]", "?");
  }
}
