package io.ffmpegqueue.s3;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.OutputName;
import io.ffmpegqueue.support.Checks;
import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.io.StoredFile;
import io.ffmpegqueue.io.StoredObject;
import io.ffmpegqueue.s3.internal.Buckets;
import io.ffmpegqueue.s3.internal.ContentTypes;
import io.ffmpegqueue.s3.internal.ObjectAttributes;
import io.ffmpegqueue.s3.internal.ObjectUploader;
import io.ffmpegqueue.s3.internal.OwnedClient;
import io.ffmpegqueue.s3.internal.PendingAborts;
import io.ffmpegqueue.s3.internal.S3Clients;
import io.ffmpegqueue.s3.internal.S3Errors;
import io.ffmpegqueue.s3.internal.S3Uri;
import io.ffmpegqueue.s3.internal.StoredKeys;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Stores outputs in an S3 bucket as {@code {prefix}/{task_id}/{name}}, by default
 * {@code s3://bucket/ffmpeg-outputs/{task_id}/{output_filename}}. Small outputs go up in one PUT; large
 * ones in a parallel multipart upload that reads the file once and is aborted when it fails, so no parts
 * are left stored (and billed). Each object carries its media type (by extension) and the task id as user
 * metadata ({@code x-amz-meta-task-id}); with {@link Builder#presignedUrls} each stored output also gets a
 * presigned HTTPS GET URL.
 *
 * <pre>{@code
 * try (S3Storage storage = S3Storage.builder()
 *     .bucket("media")
 *     .region("eu-west-1")
 *     .presignedUrls(Duration.ofHours(1))
 *     .build();
 *     FfmpegQueue queue = FfmpegQueue.builder().storage(storage).build()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} closes the client it built (not a client the host passed) and makes a
 * last attempt at aborting uploads whose abort failed during an outage.
 */
public final class S3Storage implements Storage, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(S3Storage.class);

  /** The key prefix when none is set. */
  public static final String DEFAULT_PREFIX = "ffmpeg-outputs";
  /** The user metadata key that holds the task id ({@code x-amz-meta-task-id}). */
  public static final String TASK_ID_METADATA = "task-id";

  private final S3AsyncClient client;
  private final OwnedClient owned;
  private final S3Presigner presigner;
  private final String bucket;
  private final String prefix;
  private final Duration presignedUrlLifetime;
  private final ContentTypes contentTypes;
  private final Map<String, String> metadata;
  private final StorageClass storageClass;
  private final ServerSideEncryption encryption;
  private final String kmsKeyId;
  private final PendingAborts aborts;
  private final ObjectUploader uploader;

  private S3Storage(Builder b) {
    this.owned = b.hostClient() == null ? S3Clients.build(b.spec()) : null;
    this.client = owned != null ? owned.client() : b.hostClient();
    this.bucket = b.bucket;
    this.prefix = b.prefix;
    this.presignedUrlLifetime = b.presignedUrlLifetime;
    S3Presigner p = null;
    if (presignedUrlLifetime != null) {
      p = b.presigner != null ? b.presigner
          : owned != null ? S3Clients.presigner(b.spec()) : S3Clients.presignerLike(client, b.pathStyle());
    }
    this.presigner = p;
    this.contentTypes = new ContentTypes(b.contentTypes);
    this.metadata = Map.copyOf(b.metadata);
    this.storageClass = b.storageClass;
    this.encryption = b.encryption;
    this.kmsKeyId = b.kmsKeyId;
    this.aborts = new PendingAborts(client, b.abortRetryWindow);
    this.uploader = new ObjectUploader(client, b.partSize, b.multipartThreshold, b.concurrency, aborts);
  }

  /** A builder; {@link Builder#bucket} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The bucket. */
  public String bucket() {
    return bucket;
  }

  /** The key prefix, without slashes at either end; empty for none. */
  public String prefix() {
    return prefix;
  }

  /** The client this storage uses. */
  public S3AsyncClient client() {
    return client;
  }

  /** The {@code s3://} URI that output {@code name} of {@code taskId} is stored under. */
  public URI uriOf(TaskId taskId, String name) {
    return location(taskId, name).toUri();
  }

  @Override
  public StoredObject store(TaskId taskId, String name, Path file) {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(file, "file");
    if (!OutputName.isRelativePath(name)) {
      throw new IllegalArgumentException("'" + name + "' is not a bare file name or a relative path");
    }
    S3Uri target = location(taskId, name);
    String what = "output '" + name + "'";
    String contentType = contentTypes.of(name);
    Map<String, String> meta = new LinkedHashMap<>(metadata);
    meta.put(TASK_ID_METADATA, taskId.value());
    // Presigned before the upload: signing is local, and a failure then leaves nothing stored.
    URI downloadUrl = presign(what, target);
    ObjectUploader.Result r = uploader.upload(what, target, file,
        new ObjectAttributes(contentType, meta, storageClass, encryption, kmsKeyId));
    log.debug("task {}: stored {} ({} bytes{})", taskId.value(), target, r.size(),
        r.parts() > 0 ? ", " + r.parts() + " parts" : "");
    return new StoredObject(target.toUri(), r.size(), contentType, "sha256:" + r.sha256(), downloadUrl);
  }

  private URI presign(String what, S3Uri target) {
    if (presigner == null) {
      return null;
    }
    try {
      return presigner.presignGetObject(p -> p.signatureDuration(presignedUrlLifetime)
          .getObjectRequest(g -> g.bucket(target.bucket()).key(target.key()))).url().toURI();
    } catch (SdkException | URISyntaxException e) {
      throw new TaskFailureException(ErrorKind.STORAGE, what + ": cannot presign a download URL for " + target
          + ": " + e.getMessage(), false, null, e);
    }
  }

  /**
   * Opens an object this storage stored. Only keys under this storage's bucket and prefix are served.
   *
   * @throws NoSuchFileException when the URI is not this storage's, or the object does not exist
   */
  @Override
  public InputStream open(URI uri) throws IOException {
    S3Uri source;
    try {
      source = S3Uri.parse(uri);
    } catch (IllegalArgumentException e) {
      throw new NoSuchFileException(uri + " " + e.getMessage());
    }
    if (!source.bucket().equals(bucket) || !source.key().startsWith(keyPrefix())) {
      throw new NoSuchFileException(uri + " is not in this storage (s3://" + bucket + "/" + keyPrefix() + ")");
    }
    try {
      ResponseInputStream<GetObjectResponse> in = client.getObject(
          r -> r.bucket(source.bucket()).key(source.key()), AsyncResponseTransformer.toBlockingInputStream()).get();
      return in;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while opening " + uri);
    } catch (ExecutionException e) {
      if (S3Errors.isNotFound(e)) {
        throw new NoSuchFileException(uri.toString());
      }
      throw S3Errors.io("cannot open", source, client, e);
    }
  }

  /**
   * Asks S3 whether the bucket answers ({@code HeadBucket}), within {@code timeout} in all: for a health
   * check.
   *
   * @throws IOException with one sentence saying what is wrong ({@code cannot reach S3 at
   *     http://127.0.0.1:9: connection refused}, {@code S3 answered 404 NoSuchBucket: ...})
   */
  public void checkBucket(Duration timeout) throws IOException {
    S3Uri where = new S3Uri(bucket, keyPrefix());
    try {
      client.headBucket(r -> r.bucket(bucket).overrideConfiguration(o -> o.apiCallTimeout(timeout))).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while asking for bucket " + bucket);
    } catch (ExecutionException e) {
      throw S3Errors.io("cannot use", where, client, e);
    }
  }

  /** Deletes every stored output of {@code taskId}, and aborts any upload of one still in progress. */
  @Override
  public void delete(TaskId taskId) throws IOException {
    String taskPrefix = keyPrefix() + taskId.value() + "/";
    S3Uri where = new S3Uri(bucket, taskPrefix);
    try {
      List<ObjectIdentifier> keys = new ArrayList<>();
      String token = null;
      do {
        String t = token;
        ListObjectsV2Response page = client.listObjectsV2(r -> r.bucket(bucket).prefix(taskPrefix).continuationToken(t)).get();
        for (S3Object o : page.contents()) {
          keys.add(ObjectIdentifier.builder().key(o.key()).build());
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
      for (int i = 0; i < keys.size(); i += 1000) {
        List<ObjectIdentifier> batch = keys.subList(i, Math.min(keys.size(), i + 1000));
        DeleteObjectsResponse r = client.deleteObjects(d -> d.bucket(bucket).delete(x -> x.objects(batch).quiet(true))).get();
        if (r.hasErrors() && !r.errors().isEmpty()) {
          var first = r.errors().get(0);
          throw new IOException("cannot delete " + r.errors().size() + " outputs of task " + taskId.value()
              + " from s3://" + bucket + ", e.g. " + first.key() + ": " + first.code() + " " + first.message());
        }
      }
      for (MultipartUpload u : client.listMultipartUploads(r -> r.bucket(bucket).prefix(taskPrefix)).get().uploads()) {
        aborts.abort(new S3Uri(bucket, u.key()), u.uploadId());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while deleting the outputs of task " + taskId.value());
    } catch (ExecutionException e) {
      throw S3Errors.io("cannot delete the outputs of task " + taskId.value() + " under", where, client, e);
    }
  }

  @Override
  public void delete(TaskId taskId, String name) throws IOException {
    StoredKeys.delete(client, location(taskId, name));
  }

  @Override
  public List<StoredFile> list(TaskId taskId, String prefix) throws IOException {
    return StoredKeys.list(client, bucket, keyPrefix() + taskId.value() + "/", prefix, contentTypes);
  }

  /** Makes a last attempt at pending aborts, then closes what this storage built. */
  @Override
  public void close() {
    aborts.close();
    if (presigner != null) {
      presigner.close();
    }
    if (owned != null) {
      owned.close();
    }
  }

  /** How many failed multipart uploads still wait for their abort to go through (for monitoring and tests). */
  public int pendingAborts() {
    return aborts.pending();
  }

  private String keyPrefix() {
    return prefix.isEmpty() ? "" : prefix + "/";
  }

  private S3Uri location(TaskId taskId, String name) {
    return new S3Uri(bucket, keyPrefix() + taskId.value() + "/" + name);
  }

  @Override
  public String toString() {
    return "S3Storage[s3://" + bucket + "/" + prefix + "]";
  }

  /** Builds an {@link S3Storage}. */
  public static final class Builder extends S3ClientOptions<Builder> {
    private static final long MIB = 1L << 20;

    private String bucket;
    private String prefix = DEFAULT_PREFIX;
    private StorageClass storageClass;
    private ServerSideEncryption encryption;
    private String kmsKeyId;
    private final Map<String, String> contentTypes = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private Duration presignedUrlLifetime;
    private S3Presigner presigner;
    private long partSize = 8 * MIB;
    private long multipartThreshold = 16 * MIB;
    private int concurrency = 8;
    private Duration abortRetryWindow = Duration.ofMinutes(15);

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /** The bucket outputs go to. Required. */
    public Builder bucket(String bucket) {
      this.bucket = Buckets.check("bucket", bucket);
      return this;
    }

    /** The key prefix; {@code ""} for none. Default {@value #DEFAULT_PREFIX}. */
    public Builder prefix(String prefix) {
      this.prefix = Buckets.checkPrefix("prefix", Objects.requireNonNull(prefix, "prefix"));
      return this;
    }

    /** The storage class of stored outputs, e.g. {@link StorageClass#STANDARD_IA}. Default: the bucket's. */
    public Builder storageClass(StorageClass storageClass) {
      this.storageClass = Objects.requireNonNull(storageClass, "storageClass");
      return this;
    }

    /** Server-side encryption, e.g. {@link ServerSideEncryption#AES256}. Default: the bucket's. */
    public Builder serverSideEncryption(ServerSideEncryption encryption) {
      this.encryption = Objects.requireNonNull(encryption, "encryption");
      return this;
    }

    /** The KMS key for {@link ServerSideEncryption#AWS_KMS}; sets that encryption. */
    public Builder kmsKeyId(String kmsKeyId) {
      this.kmsKeyId = Objects.requireNonNull(kmsKeyId, "kmsKeyId");
      this.encryption = ServerSideEncryption.AWS_KMS;
      return this;
    }

    /** The media type for outputs with {@code extension} (without the dot), over the built-in table. */
    public Builder contentType(String extension, String mediaType) {
      Objects.requireNonNull(extension, "extension");
      Objects.requireNonNull(mediaType, "mediaType");
      contentTypes.put(extension.startsWith(".") ? extension.substring(1) : extension, mediaType);
      return this;
    }

    /** User metadata put on every stored output, besides {@value #TASK_ID_METADATA}. */
    public Builder metadata(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (!key.matches("[a-z0-9][a-z0-9-]{0,127}") || key.equals(TASK_ID_METADATA)) {
        throw new IllegalArgumentException("metadata key '" + key + "' must be lowercase letters, digits and '-'"
            + " and not " + TASK_ID_METADATA);
      }
      metadata.put(key, value);
      return this;
    }

    /**
     * Gives each stored output a presigned GET URL valid for {@code lifetime} (at most 7 days, SigV4's
     * limit), as {@link StoredObject#downloadUrl()}. Default: none. The URL names the access key id (not
     * the secret) and is signed with it; it is meant for the client the task belongs to.
     */
    public Builder presignedUrls(Duration lifetime) {
      if (lifetime == null || lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(Duration.ofDays(7)) > 0) {
        throw new IllegalArgumentException("presigned URL lifetime must be between 1 second and 7 days");
      }
      this.presignedUrlLifetime = lifetime;
      return this;
    }

    /** The presigner for download URLs, when the host has its own. Default: one made like the client. */
    public Builder presigner(S3Presigner presigner) {
      this.presigner = Objects.requireNonNull(presigner, "presigner");
      return this;
    }

    /** Bytes per part of a multipart upload, 5 MiB to 512 MiB. Default 8 MiB. */
    public Builder partSize(long bytes) {
      if (bytes < 5 * MIB || bytes > 512 * MIB) {
        throw new IllegalArgumentException("partSize must be between 5 MiB and 512 MiB, got " + bytes);
      }
      this.partSize = bytes;
      return this;
    }

    /**
     * Outputs of at least this many bytes go up in parts; smaller ones in one PUT, read into memory first.
     * 1 byte to 512 MiB; default 16 MiB.
     */
    public Builder multipartThreshold(long bytes) {
      if (bytes < 1 || bytes > 512 * MIB) {
        throw new IllegalArgumentException("multipartThreshold must be between 1 byte and 512 MiB, got " + bytes);
      }
      this.multipartThreshold = bytes;
      return this;
    }

    /**
     * Parts of one upload in flight at once, 1 to 64. Default 8. Each holds a part-sized buffer, so one
     * upload uses about {@code concurrency × partSize} of heap.
     */
    public Builder concurrency(int concurrency) {
      this.concurrency = Checks.between(concurrency, 1, 64, "concurrency");
      return this;
    }

    /**
     * How long to keep retrying, in the background, the abort of an upload that failed while S3 was
     * unreachable. Default 15 minutes.
     */
    public Builder abortRetryWindow(Duration window) {
      if (window == null || window.isNegative()) {
        throw new IllegalArgumentException("abortRetryWindow must not be negative");
      }
      this.abortRetryWindow = window;
      return this;
    }

    /** The storage. */
    public S3Storage build() {
      if (bucket == null) {
        throw new IllegalStateException("bucket is required");
      }
      return new S3Storage(this);
    }
  }
}
