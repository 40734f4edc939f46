package io.ffmpegqueue.testing;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.io.FetchRequest;
import io.ffmpegqueue.io.InputFetcher;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link InputFetcher} that serves bytes a test registers per URI, with no network: the real HTTP
 * fetcher refuses loopback addresses by default, and host tests should not need a server. By default it
 * serves the schemes {@code test}, {@code http} and {@code https}, so a host's requests with real-looking
 * URLs run unchanged, and answers a URI nobody registered with {@link #DEFAULT_CONTENT}.
 *
 * <pre>{@code
 * FakeInputFetcher inputs = new FakeInputFetcher()
 *     .serve("https://cdn.example.com/cat.mp4", catBytes)
 *     .failNext("https://cdn.example.com/dog.mp4", "HTTP 503", true);
 * }</pre>
 *
 * Thread-safe.
 */
public final class FakeInputFetcher implements InputFetcher {
  /** What an unregistered URI serves unless {@link #refuseUnregistered()} was called. */
  public static final byte[] DEFAULT_CONTENT = "fake input".getBytes(StandardCharsets.UTF_8);

  private final Set<String> schemes;
  private final Map<URI, byte[]> content = new ConcurrentHashMap<>();
  private final Map<URI, Deque<TaskFailureException>> failures = new ConcurrentHashMap<>();
  private final List<URI> fetched = new ArrayList<>(); // guarded by itself
  private volatile boolean refuseUnregistered;

  /** A fetcher for {@code test:}, {@code http:} and {@code https:} URIs. */
  public FakeInputFetcher() {
    this(Set.of("test", "http", "https"));
  }

  private FakeInputFetcher(Set<String> schemes) {
    this.schemes = Set.copyOf(schemes);
  }

  /** A fetcher for the given schemes only (e.g. {@code "s3"}). */
  public static FakeInputFetcher forSchemes(String... schemes) {
    if (schemes.length == 0) {
      throw new IllegalArgumentException("at least one scheme is required");
    }
    Set<String> s = new HashSet<>();
    for (String scheme : schemes) {
      s.add(scheme.toLowerCase(Locale.ROOT));
    }
    return new FakeInputFetcher(s);
  }

  /** Serves {@code bytes} for {@code uri}. */
  public FakeInputFetcher serve(String uri, byte[] bytes) {
    return serve(URI.create(uri), bytes);
  }

  /** Serves {@code bytes} for {@code uri}. */
  public FakeInputFetcher serve(URI uri, byte[] bytes) {
    content.put(Objects.requireNonNull(uri, "uri"), bytes.clone());
    return this;
  }

  /**
   * Makes the next fetch of {@code uri} fail with an {@link ErrorKind#INPUT} failure whose message names the
   * input and ends with {@code reason} (e.g. {@code "HTTP 503"}); {@code retryable} says whether the retry
   * policy may try again. Call again to fail more fetches; after them the URI is served as before.
   */
  public FakeInputFetcher failNext(String uri, String reason, boolean retryable) {
    URI u = URI.create(uri);
    Objects.requireNonNull(reason, "reason");
    synchronized (this) {
      failures.computeIfAbsent(u, k -> new ArrayDeque<>()).add(new TaskFailureException(ErrorKind.INPUT, reason, retryable));
    }
    return this;
  }

  /**
   * Makes a URI that was never {@linkplain #serve registered} fail, as a 404 would, instead of serving
   * {@link #DEFAULT_CONTENT}.
   */
  public FakeInputFetcher refuseUnregistered() {
    this.refuseUnregistered = true;
    return this;
  }

  /** The URIs fetched so far, in order, failed fetches included. */
  public List<URI> fetched() {
    synchronized (fetched) {
      return List.copyOf(fetched);
    }
  }

  @Override
  public Set<String> schemes() {
    return schemes;
  }

  @Override
  public void fetch(FetchRequest request) {
    URI uri = request.source();
    synchronized (fetched) {
      fetched.add(uri);
    }
    Deque<TaskFailureException> queued = failures.get(uri);
    TaskFailureException planned;
    synchronized (this) {
      planned = queued == null ? null : queued.poll();
    }
    if (planned != null) {
      throw new TaskFailureException(ErrorKind.INPUT, "input '" + request.name() + "': " + planned.getMessage()
          + " from " + uri, planned.retryable());
    }
    byte[] bytes = content.get(uri);
    if (bytes == null) {
      if (refuseUnregistered) {
        throw new TaskFailureException(ErrorKind.INPUT, "input '" + request.name() + "': HTTP 404 from " + uri
            + " (not registered with the FakeInputFetcher)", false);
      }
      bytes = DEFAULT_CONTENT;
    }
    try {
      Files.write(request.target(), bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new TaskFailureException(ErrorKind.INPUT, "input '" + request.name() + "': cannot write "
          + request.target() + ": " + e.getMessage(), true, null, e);
    }
  }

  @Override
  public String toString() {
    return "FakeInputFetcher" + schemes;
  }
}
