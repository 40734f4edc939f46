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
import java.util.LinkedHashSet;
import java.util.Set;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Fetches {@code s3://bucket/key} inputs with ranged GETs in parallel, each range written in place in a
 * temporary file that becomes the input only when complete. Only buckets the host allows are read: a
 * client must not be able to make the queue read any object its credentials can see.
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
    this.downloader = new ObjectDownloader(client, b.partSize, b.concurrency, b.maxSize);
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
    downloader.download(what, S3Uri.parse(request.source()), request.target(), request.context(), progress);
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

  /** Closes the client this fetcher built (not a client the host passed). */
  @Override
  public void close() {
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
    private long partSize = 8 * MIB;
    private int concurrency = 8;
    private long maxSize = Long.MAX_VALUE;

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

    /** Bytes per ranged GET, 1 MiB to 512 MiB. Default 8 MiB. */
    public Builder partSize(long bytes) {
      if (bytes < MIB || bytes > 512 * MIB) {
        throw new IllegalArgumentException("partSize must be between 1 MiB and 512 MiB, got " + bytes);
      }
      this.partSize = bytes;
      return this;
    }

    /** Ranged GETs of one input in flight at once, 1 to 64. Default 8. */
    public Builder concurrency(int concurrency) {
      this.concurrency = Checks.between(concurrency, 1, 64, "concurrency");
      return this;
    }

    /** The largest input accepted, in bytes; a larger one fails the task. Default: no limit. */
    public Builder maxSize(long bytes) {
      this.maxSize = Checks.nonNegative(bytes, "maxSize");
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
