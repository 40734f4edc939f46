package io.ffmpegqueue.examples.server;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
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
      long tenths = (System.nanoTime() - start) / 100_000; // tenths of a millisecond
      int status = ex.getResponseCode();
      sink.accept(ex.getRequestMethod() + " " + printable(ex.getRequestURI().getRawPath()) + " "
          + (status < 0 ? "-" : Integer.toString(status)) + " " + (tenths / 10) + "." + (tenths % 10) + "ms");
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
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        return p.replaceAll("[\\p{Cntrl}\\s]", "?");
      }
    }
    return p;
  }
}
