package io.ffmpegqueue.io;

import static io.ffmpegqueue.support.Checks.between;
import static io.ffmpegqueue.support.Checks.nonNegative;
import static io.ffmpegqueue.support.Checks.positive;

import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.support.NamedThreadFactory;
import io.ffmpegqueue.internal.http.HostPolicy;
import io.ffmpegqueue.internal.http.HttpDownload;
import io.ffmpegqueue.internal.http.HttpSettings;
import io.ffmpegqueue.internal.http.Urls;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/**
 * Downloads {@code http} and {@code https} inputs with OkHttp, safely: input URLs come from clients, and a
 * fetcher must never become a way into the host's own network.
 *
 * <ul>
 *   <li><b>Address guard</b>, on by default: loopback, private, link-local (the cloud metadata service at
 *       169.254.169.254 among them), unique-local, multicast, unspecified and reserved addresses are refused,
 *       however they are spelled ({@code 2130706433}, {@code 0x7f000001}, {@code 127.1}, {@code 0177.0.0.1},
 *       {@code [::1]}, {@code [::ffff:127.0.0.1]}, NAT64, 6to4, ...). Literal addresses are refused at
 *       submission; names are resolved when fetched, every address they resolve to is checked, and the fetch
 *       is pinned to the checked addresses so DNS rebinding cannot switch them; every redirect is checked the
 *       same way, and every socket checks its destination before it connects.
 *   <li><b>Allow-list</b> for deployments that fetch from their own network (and for tests on loopback):
 *       host names, {@code *.domain} wildcards and CIDRs, e.g. from {@code INPUT_ALLOWED_HOSTS}; and exact
 *       trusted origins ({@code scheme://host:port}) for a store the host configured itself.
 *   <li><b>Limits</b>: connect, read and whole-download timeouts, a maximum size (10 GiB by default, checked
 *       against {@code Content-Length} and while streaming), at most 5 redirects.
 *   <li><b>Retries</b> with backoff inside the fetch for connect errors, broken streams, 5xx, 408 and 429
 *       (honouring {@code Retry-After} up to a bound); then the task fails as retryable. A broken stream
 *       resumes with a range request instead of starting over.
 *   <li><b>Parallel ranges</b>: big inputs from servers that support ranges download in several parts at once.
 *   <li><b>Progressive</b>: it tells how much of the input has arrived in order ({@link ProgressiveInputFetcher}),
 *       so that the worker can start ffmpeg on the head of an input that reads front to back.
 * </ul>
 *
 * <p>Inputs stream to a temporary file in the workspace, never whole into memory, and are moved into place
 * when complete: a failed or stopped fetch leaves no file. Stopping the task cancels the transfer at once.
 *
 * <pre>{@code
 * HttpInputFetcher http = HttpInputFetcher.builder()
 *     .allowHosts(System.getenv().getOrDefault("INPUT_ALLOWED_HOSTS", ""))
 *     .maxSize(2L << 30)
 *     .build();
 * FfmpegQueue queue = FfmpegQueue.builder().fetcher(http).build();
 * }</pre>
 *
 * <p>Thread-safe; one instance serves every task. {@link #close()} releases its idle connections and threads.
 */
public final class HttpInputFetcher implements ProgressiveInputFetcher, AutoCloseable {
  /** The default largest input: 10 GiB. */
  public static final long DEFAULT_MAX_SIZE = 10L << 30;

  private final HttpSettings settings;
  private final Set<String> schemes;
  private final OkHttpClient client;
  private final ThreadPoolExecutor rangeExecutor;

  private HttpInputFetcher(Builder b) {
    this.settings = new HttpSettings(b.connectTimeout, b.readTimeout, b.downloadTimeout, b.maxSize, b.maxRedirects,
        b.maxAttempts, b.initialBackoff, b.maxBackoff, b.maxRetryAfter, b.partSize, b.parallelism, b.rangedAbove,
        HostPolicy.of(b.allowed, b.onlyAllowed).trusting(b.trusted), b.dns, b.userAgent);
    this.schemes = Set.copyOf(b.schemes);
    this.client = new OkHttpClient.Builder()
        .connectTimeout(b.connectTimeout)
        .readTimeout(b.readTimeout)
        .writeTimeout(b.readTimeout)
        // Redirects are followed by hand, so that each hop is checked; no proxy, so that no proxy resolves for us.
        .followRedirects(false)
        .followSslRedirects(false)
        .proxy(Proxy.NO_PROXY)
        // One TCP connection per range: HTTP/2 would multiplex the ranges onto one.
        .protocols(List.of(Protocol.HTTP_1_1))
        .connectionPool(new ConnectionPool(Math.max(5, b.parallelism * 2), 10, TimeUnit.SECONDS))
        .build();
    this.rangeExecutor = new ThreadPoolExecutor(0, 256, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        new NamedThreadFactory("ffq-http-range"));
  }

  /** A builder with the defaults described on each of its methods. */
  public static Builder builder() {
    return new Builder();
  }

  /** A fetcher with every default: guard on, no allow-list. */
  public static HttpInputFetcher create() {
    return builder().build();
  }

  @Override
  public Set<String> schemes() {
    return schemes;
  }

  /**
   * Refuses, before anything is enqueued, a URL that is not a valid http(s) URL, that carries credentials,
   * or whose host is a refused address (in any spelling) or names the local host. Names are not resolved here.
   */
  @Override
  public void validate(String name, URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!schemes.contains(scheme)) {
      throw new InvalidTaskException("input_files", "'" + name + "' uses the URL scheme '" + scheme
          + "', which this fetcher does not serve");
    }
    // OkHttp reads "https:/x" leniently as https://x/; a URL without "//host" is a mistake, not a host.
    HttpUrl url = uri.getRawAuthority() == null ? null : HttpUrl.parse(uri.toString());
    if (url == null) {
      throw new InvalidTaskException("input_files", "'" + name + "': " + Urls.redact(uri) + " is not a valid " + scheme + " URL");
    }
    if (!url.username().isEmpty() || !url.password().isEmpty()) {
      throw new InvalidTaskException("input_files", "'" + name + "': " + Urls.redact(url)
          + " carries credentials (user:password@), which inputs may not; use a signed URL instead");
    }
    HostPolicy.HostCheck check = settings.policy().check(url.host());
    if (check.refusal() != null && !settings.policy().trusts(url)) {
      throw new InvalidTaskException("input_files", "'" + name + "': " + Urls.redact(url) + " " + check.refusal());
    }
  }

  @Override
  public void fetch(FetchRequest request, FetchProgress progress) {
    new HttpDownload(settings, client, rangeExecutor, request, progress).run();
  }

  /** The hosts and CIDRs allowed beside public addresses, as given. */
  public List<String> allowed() {
    return settings.policy().entries();
  }

  /** Closes idle connections and stops the threads of parallel downloads. Fetches still running fail. */
  @Override
  public void close() {
    rangeExecutor.shutdownNow();
    client.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return "HttpInputFetcher[" + schemes + ", allowed: " + settings.policy() + "]";
  }

  /** Builds an {@link HttpInputFetcher}. */
  public static final class Builder {
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(30);
    private Duration downloadTimeout = Duration.ofHours(1);
    private long maxSize = DEFAULT_MAX_SIZE;
    private int maxRedirects = 5;
    private int maxAttempts = 4;
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private Duration maxRetryAfter = Duration.ofSeconds(30);
    private long partSize = 16L << 20;
    private int parallelism = 4;
    private long rangedAbove = 64L << 20;
    private final List<String> allowed = new ArrayList<>();
    private final List<HttpUrl> trusted = new ArrayList<>();
    private boolean onlyAllowed;
    private Dns dns = Dns.SYSTEM;
    private String userAgent = "ffmpeg-queue";
    private Set<String> schemes = Set.of("http", "https");

    private Builder() {}

    /** The longest a connection (TCP and TLS) may take to open. Default 10 s. */
    public Builder connectTimeout(Duration d) {
      this.connectTimeout = positive(d, "connectTimeout");
      return this;
    }

    /** The longest the server may send nothing, before the response and during the body. Default 30 s. */
    public Builder readTimeout(Duration d) {
      this.readTimeout = positive(d, "readTimeout");
      return this;
    }

    /**
     * The longest one input's whole download may take, retries and waits included: a server that sends
     * slowly but steadily (a slow drip) is stopped by this, not by the read timeout. Default 1 hour.
     */
    public Builder downloadTimeout(Duration d) {
      this.downloadTimeout = positive(d, "downloadTimeout");
      return this;
    }

    /** The largest input, checked against {@code Content-Length} up front and counted while streaming. Default 10 GiB. */
    public Builder maxSize(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxSize must be positive");
      }
      this.maxSize = bytes;
      return this;
    }

    /** How many redirects one fetch follows; each hop is checked like the first URL. Default 5. */
    public Builder maxRedirects(int n) {
      if (n < 0 || n > 20) {
        throw new IllegalArgumentException("maxRedirects must be between 0 and 20");
      }
      this.maxRedirects = n;
      return this;
    }

    /**
     * How many tries a request gets when it fails without progress (connect error, 5xx, 408, 429); a stream
     * that breaks after progress resumes without using one up. 1 disables retries. Default 4.
     */
    public Builder maxAttempts(int n) {
      if (n < 1 || n > 100) {
        throw new IllegalArgumentException("maxAttempts must be between 1 and 100");
      }
      this.maxAttempts = n;
      return this;
    }

    /** The wait before the first retry, doubling up to {@code max}. Default 500 ms up to 10 s. */
    public Builder retryBackoff(Duration initial, Duration max) {
      this.initialBackoff = positive(initial, "initial backoff");
      this.maxBackoff = positive(max, "max backoff");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("the max backoff must not be shorter than the initial one");
      }
      return this;
    }

    /**
     * The longest {@code Retry-After} (of a 429 or 503) the fetch waits; a server that asks for longer fails
     * the fetch at once, as retryable, leaving the wait to the queue's retry policy. Default 30 s.
     */
    public Builder maxRetryAfter(Duration d) {
      this.maxRetryAfter = nonNegative(d, "maxRetryAfter");
      return this;
    }

    /** The size of one part of a parallel download. Default 16 MiB. */
    public Builder partSize(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("partSize must be at least 1 KiB");
      }
      this.partSize = bytes;
      return this;
    }

    /** How many parts of one input download at once; 1 downloads every input as a single stream. Default 4. */
    public Builder parallelism(int n) {
      this.parallelism = between(n, 1, 64, "parallelism");
      return this;
    }

    /** Inputs at least this large download in parallel parts, when the server supports ranges. Default 64 MiB. */
    public Builder rangedAbove(long bytes) {
      this.rangedAbove = nonNegative(bytes, "rangedAbove");
      return this;
    }

    /**
     * Allows one host or network beside public addresses: a host name ({@code minio}, {@code media.internal}),
     * a domain wildcard ({@code *.internal.example.com}), an address ({@code 127.0.0.1}, {@code ::1}) or a CIDR
     * ({@code 10.0.0.0/8}, {@code fd00::/8}). A listed name may resolve to any address.
     *
     * @throws IllegalArgumentException naming an entry it cannot read (a port is not accepted)
     */
    public Builder allow(String hostOrCidr) {
      Objects.requireNonNull(hostOrCidr, "hostOrCidr");
      HostPolicy.of(List.of(hostOrCidr), false); // fail here, on the entry at fault
      allowed.add(hostOrCidr.trim());
      return this;
    }

    /** Allows each of a comma-separated list, such as the value of {@code INPUT_ALLOWED_HOSTS}; blank is none. */
    public Builder allowHosts(String commaSeparated) {
      for (String e : HostPolicy.split(Objects.requireNonNull(commaSeparated, "commaSeparated"))) {
        allow(e);
      }
      return this;
    }

    /** Allows each of {@code entries}, as {@link #allow(String)}. */
    public Builder allowHosts(Collection<String> entries) {
      entries.forEach(this::allow);
      return this;
    }

    /**
     * Trusts exactly one origin, {@code scheme://host[:port]}, whatever address its host has: URLs there are
     * fetched even when it is loopback or private, and a redirect from there to any other origin is refused.
     * Other hosts, and other ports of the same host, stay under the guard. For a store the host configured
     * itself, whose URLs it builds (an S3-compatible endpoint such as {@code http://10.0.0.5:9000}), not
     * for the hosts of client URLs: {@link #allow} is for those.
     *
     * @throws IllegalArgumentException when {@code origin} is not an http(s) URL with a host, or has user
     *     info, a path, a query or a fragment
     */
    public Builder trustOrigin(URI origin) {
      Objects.requireNonNull(origin, "origin");
      HttpUrl url = origin.getRawAuthority() == null ? null : HttpUrl.parse(origin.toString());
      String path = origin.getRawPath() == null ? "" : origin.getRawPath();
      if (url == null || origin.getRawUserInfo() != null || !(path.isEmpty() || path.equals("/"))
          || origin.getRawQuery() != null || origin.getRawFragment() != null) {
        throw new IllegalArgumentException("trusted origin '" + Urls.redact(origin)
            + "' is not scheme://host[:port] (http or https, no user info, path, query or fragment)");
      }
      trusted.add(url);
      return this;
    }

    /**
     * Accepts only allow-listed hosts and networks, public or not: for deployments whose inputs come from
     * known places only. Default off (public addresses are allowed).
     */
    public Builder onlyAllowed(boolean only) {
      this.onlyAllowed = only;
      return this;
    }

    /** The resolver whose answers the guard checks. Default the system's. */
    public Builder dns(Dns dns) {
      this.dns = Objects.requireNonNull(dns, "dns");
      return this;
    }

    /** The User-Agent header. Default {@code ffmpeg-queue}. */
    public Builder userAgent(String userAgent) {
      this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
      return this;
    }

    /** Serves only {@code https}, refusing plain {@code http} inputs at submission. Default both. */
    public Builder httpsOnly() {
      this.schemes = Set.of("https");
      return this;
    }

    /** Builds the fetcher. */
    public HttpInputFetcher build() {
      return new HttpInputFetcher(this);
    }
  }
}
