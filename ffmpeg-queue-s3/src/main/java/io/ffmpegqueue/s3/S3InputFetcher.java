package io.ffmpegqueue.s3;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.support.Checks;
import io.ffmpegqueue.io.FetchProgress;
import io.ffmpegqueue.io.FetchRequest;
import io.ffmpegqueue.io.ProgressiveInputFetcher;
import io.ffmpegqueue.s3.internal.Buckets;
import io.ffmpegqueue.s3.internal.ObjectDownloader;
import io.ffmpegqueue.s3.internal.OwnedClient;
import io.ffmpegqueue.s3.internal.S3Clients;
import io.ffmpegqueue.s3.internal.S3Uri;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Fetches {@code s3://bucket/key} inputs: a HEAD for the size (and S3's own words when the object is missing
 * or access is refused), then a GET presigned for the download's time limit ({@link Builder#downloadTimeout}),
 * downloaded as an {@link io.ffmpegqueue.io.HttpInputFetcher} downloads: one stream, or ranges in parallel for
 * objects over one part, written in place in a temporary file that becomes the input only when complete. Only
 * buckets the host allows are read: a client must not be able to make the queue read any object its
 * credentials can see.
 *
 * <p>The GETs go to the configured endpoint, which may be loopback or private (MinIO, S3Proxy): exactly its
 * {@code scheme://host:port} is trusted (with virtual-hosted addressing, each allowed bucket's host on it), no
 * redirect is followed, and the presigned query never appears in a message or a log line. With virtual-hosted
 * addressing on a private endpoint, name the buckets ({@link Builder#allowBuckets}): with any bucket allowed,
 * their hosts cannot be trusted in advance and the address guard refuses them.
 *
 * <pre>{@code
 * S3InputFetcher fetcher = S3InputFetcher.builder()
 *     .client(storage.client())
 *     .allowBuckets("media-uploads")
 *     .build();
 * FfmpegQueue queue = FfmpegQueue.builder().storage(storage).fetcher(fetcher).build();
 * }</pre>
 */
public final class S3InputFetcher implements ProgressiveInputFetcher, AutoCloseable {
  private final S3AsyncClient client;
  private final OwnedClient owned;
  private final Set<String> allowedBuckets;
  private final ObjectDownloader downloader;

  private S3InputFetcher(Builder b) {
    this.owned = b.hostClient() == null ? S3Clients.build(b.spec()) : null;
    this.client = owned != null ? owned.client() : b.hostClient();
    this.allowedBuckets = b.anyBucket ? null : Set.copyOf(b.buckets);
    try {
      URI endpoint = owned != null ? b.spec().endpoint()
          : client.serviceClientConfiguration().endpointOverride().orElse(null);
      boolean pathStyle = owned != null ? b.spec().pathStyleAccess()
          : b.pathStyle() != null ? b.pathStyle() : endpoint != null;
      S3Presigner presigner = owned != null ? S3Clients.presigner(b.spec()) : S3Clients.presignerLike(client, b.pathStyle());
      this.downloader = new ObjectDownloader(client, presigner, ObjectDownloader.origins(endpoint, pathStyle, b.buckets),
          b.partSize, b.concurrency, b.maxSize, b.downloadTimeout);
    } catch (RuntimeException e) {
      if (owned != null) {
        owned.close();
      }
      throw e;
    }
  }

  /** A builder; name the allowed buckets with {@link Builder#allowBuckets} or {@link Builder#allowAnyBucket}. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Set<String> schemes() {
    return Set.of("s3");
  }

  @Override
  public void validate(String name, URI uri) {
    String problem = problem(uri);
    if (problem != null) {
      throw new InvalidTaskException("input_files", "'" + name + "': " + problem);
    }
  }

  /** Downloads the object, telling {@code progress} as its ranges complete in order (ffmpeg may start on them). */
  @Override
  public void fetch(FetchRequest request, FetchProgress progress) {
    String what = "input '" + request.name() + "'";
    String problem = problem(request.source());
    if (problem != null) {
      throw new TaskFailureException(ErrorKind.INPUT, what + ": " + problem, false);
    }
    downloader.download(what, S3Uri.parse(request.source()), request, progress);
  }

  private String problem(URI uri) {
    S3Uri s3;
    try {
      s3 = S3Uri.parse(uri);
    } catch (IllegalArgumentException e) {
      return uri + " " + e.getMessage();
    }
    if (allowedBuckets != null && !allowedBuckets.contains(s3.bucket())) {
      return "bucket '" + s3.bucket() + "' is not one inputs may come from";
    }
    return null;
  }

  /** Closes the client this fetcher built (not a client the host passed) and its download connections. */
  @Override
  public void close() {
    downloader.close();
    if (owned != null) {
      owned.close();
    }
  }

  @Override
  public String toString() {
    return "S3InputFetcher[" + (allowedBuckets == null ? "any bucket" : "buckets " + allowedBuckets) + "]";
  }

  /** Builds an {@link S3InputFetcher}. */
  public static final class Builder extends S3ClientOptions<Builder> {
    private static final long MIB = 1L << 20;

    private final Set<String> buckets = new LinkedHashSet<>();
    private boolean anyBucket;
    // HttpInputFetcher's defaults: against S3Proxy on two cores, 8 ranges of 8 MiB took 0.43x to 0.64x
    // curl's rate where 4 of 16 MiB took 0.69x to 0.79x, as much as one stream (docs/benchmarks.md).
    private long partSize = 16 * MIB;
    private int concurrency = 4;
    private long maxSize = Long.MAX_VALUE;
    private Duration downloadTimeout = Duration.ofHours(1);

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /** Allows inputs from these buckets. */
    public Builder allowBuckets(String... names) {
      for (String n : names) {
        buckets.add(Buckets.check("allowed bucket", n));
      }
      return this;
    }

    /** Allows inputs from any bucket the credentials can read. */
    public Builder allowAnyBucket() {
      this.anyBucket = true;
      return this;
    }

    /** Bytes per ranged GET, 1 MiB to 512 MiB. Default 16 MiB. */
    public Builder partSize(long bytes) {
      if (bytes < MIB || bytes > 512 * MIB) {
        throw new IllegalArgumentException("partSize must be between 1 MiB and 512 MiB, got " + bytes);
      }
      this.partSize = bytes;
      return this;
    }

    /** Ranged GETs of one input in flight at once, 1 to 64; 1 downloads as one stream. Default 4. */
    public Builder concurrency(int concurrency) {
      this.concurrency = Checks.between(concurrency, 1, 64, "concurrency");
      return this;
    }

    /** The largest input accepted, in bytes; a larger one fails the task. Default: no limit. */
    public Builder maxSize(long bytes) {
      this.maxSize = Checks.nonNegative(bytes, "maxSize");
      return this;
    }

    /**
     * The longest one input's download may take, retries included; its presigned GET is valid as long, and no
     * longer. Default 1 hour.
     */
    public Builder downloadTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofDays(7)) > 0) {
        throw new IllegalArgumentException("downloadTimeout must be positive and at most 7 days (a presigned URL's"
            + " longest validity), got " + timeout);
      }
      this.downloadTimeout = timeout;
      return this;
    }

    /** The fetcher. */
    public S3InputFetcher build() {
      if (!anyBucket && buckets.isEmpty()) {
        throw new IllegalStateException("name the buckets inputs may come from with allowBuckets(...),"
            + " or call allowAnyBucket()");
      }
      return new S3InputFetcher(this);
    }
  }
}
