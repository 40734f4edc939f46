package io.ffmpegqueue.internal;

import io.ffmpegqueue.io.InputFetcher;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The input fetchers by URI scheme, as the builder registered them: the submit path checks each input's
 * scheme against them, and the workers fetch through them.
 */
public final class Fetchers {
  private final Map<String, InputFetcher> byScheme;

  /** The fetchers of {@code byScheme}, keyed by lower-case scheme. */
  public Fetchers(Map<String, InputFetcher> byScheme) {
    this.byScheme = Map.copyOf(byScheme);
  }

  /** These fetchers with {@code fetcher} added for its schemes (in place of any there). */
  public Fetchers with(InputFetcher fetcher) {
    Map<String, InputFetcher> more = new HashMap<>(byScheme);
    fetcher.schemes().forEach(s -> more.put(s.toLowerCase(Locale.ROOT), fetcher));
    return new Fetchers(more);
  }

  /** The fetcher for {@code uri}'s scheme, or {@code null}. */
  public InputFetcher forUri(URI uri) {
    return forScheme(uri.getScheme());
  }

  /** The fetcher for {@code scheme}, in any case, or {@code null}. */
  public InputFetcher forScheme(String scheme) {
    return byScheme.get(scheme.toLowerCase(Locale.ROOT));
  }

  /** The registered schemes, for an error message: " (allowed: file, http)" or " (no input fetcher ...)". */
  public String describeAllowed() {
    if (byScheme.isEmpty()) {
      return " (no input fetcher is registered)";
    }
    return " (allowed: " + String.join(", ", new TreeSet<>(byScheme.keySet())) + ")";
  }
}
