package io.ffmpegqueue.s3.internal;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.io.FetchProgress;
import io.ffmpegqueue.io.FetchRequest;
import io.ffmpegqueue.io.HttpInputFetcher;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Downloads one object into a file: its size from a HEAD through the SDK (so that a missing object, refused
 * credentials or an unreachable store fail in S3's own words), then a GET presigned for the download's time
 * limit, fetched by core's {@link HttpInputFetcher}: one stream, or ranges of {@code partSize} bytes,
 * {@code concurrency} at once, each written at its offset in a temporary file that becomes the target only
 * when complete. That path costs about what curl costs; the SDK's asynchronous one cost five to seven times
 * as much CPU per byte.
 *
 * <p>The HTTP fetcher keeps its address guard: it trusts exactly the origins given (the configured endpoint,
 * which may be loopback or private), follows no redirect, and never shows the presigned query (its signature)
 * in a message or a log line.
 */
public final class ObjectDownloader implements AutoCloseable {
  private final S3AsyncClient client;
  private final S3Presigner presigner;
  private final HttpInputFetcher http;
  private final Duration validity;
  private final long maxSize;

  /**
   * A downloader; {@code maxSize} bytes at most per object ({@link Long#MAX_VALUE} for no limit); one download
   * may take {@code validity}, which is also how long its presigned GET is valid. Closing it closes
   * {@code presigner}, not {@code client}.
   */
  public ObjectDownloader(S3AsyncClient client, S3Presigner presigner, Collection<URI> trustedOrigins, long partSize,
      int concurrency, long maxSize, Duration validity) {
    this.client = client;
    this.presigner = presigner;
    this.validity = validity;
    this.maxSize = maxSize;
    HttpInputFetcher.Builder b = HttpInputFetcher.builder()
        .maxSize(Math.max(1, maxSize))
        .maxRedirects(0)
        .partSize(partSize)
        .parallelism(concurrency)
        .rangedAbove(0)
        .downloadTimeout(validity);
    trustedOrigins.forEach(b::trustOrigin);
    this.http = b.build();
  }

  /**
   * Downloads {@code source} to the request's target (which must not exist); {@code what} names the input in
   * errors. Stops promptly when the request's context is stopped. {@code progress} hears how much of the
   * temporary file is complete from its start.
   */
  public long download(String what, S3Uri source, FetchRequest request, FetchProgress progress) {
    HeadObjectResponse head = await(what, source, client.headObject(r -> r.bucket(source.bucket()).key(source.key())));
    long size = head.contentLength();
    if (size > maxSize) {
      throw new TaskFailureException(ErrorKind.INPUT, what + ": " + source + " is " + size
          + " bytes, more than the allowed " + maxSize, false);
    }
    if (size == 0) {
      try {
        Files.createFile(request.target()); // no byte to GET: S3 answers a range of an empty object with 416
      } catch (IOException e) {
        throw new TaskFailureException(ErrorKind.INPUT, what + ": cannot write " + request.target().getFileName() + ": "
            + e.getMessage(), true, null, e);
      }
      return 0;
    }
    URI signed = presign(what, source);
    try {
      http.fetch(new FetchRequest(request.name(), signed, request.target(), request.context()), progress);
    } catch (TaskFailureException e) {
      throw restated(what, source, e);
    }
    return size;
  }

  /** The HTTP fetcher's failure, naming the s3:// URI (its own message names the endpoint's URL, without the query). */
  private static TaskFailureException restated(String what, S3Uri source, TaskFailureException e) {
    String m = String.valueOf(e.getMessage());
    String reason = m.startsWith(what + ": ") ? m.substring(what.length() + 2) : m;
    return new TaskFailureException(e.kind(), what + " (" + source + "): " + reason, e.retryable(), null, e);
  }

  private URI presign(String what, S3Uri source) {
    try {
      return presigner.presignGetObject(p -> p.signatureDuration(validity)
          .getObjectRequest(g -> g.bucket(source.bucket()).key(source.key()))).url().toURI();
    } catch (SdkException e) {
      throw S3Errors.input(what, source, client, e);
    } catch (URISyntaxException e) {
      throw new TaskFailureException(ErrorKind.INPUT, what + ": cannot sign a GET of " + source, false);
    }
  }

  /**
   * Where presigned GETs go, to trust whatever its address: the {@code endpoint}'s origin ({@code scheme://host:port}),
   * and with virtual-hosted addressing each bucket's host on it; none for AWS itself ({@code endpoint} null), whose
   * public addresses the guard admits.
   */
  public static List<URI> origins(URI endpoint, boolean pathStyle, Collection<String> buckets) {
    List<URI> origins = new ArrayList<>();
    if (endpoint != null) {
      String port = endpoint.getPort() == -1 ? "" : ":" + endpoint.getPort();
      origins.add(URI.create(endpoint.getScheme() + "://" + endpoint.getRawAuthority()));
      if (!pathStyle) {
        buckets.forEach(b -> origins.add(URI.create(endpoint.getScheme() + "://" + b + "." + endpoint.getHost() + port)));
      }
    }
    return origins;
  }

  private <T> T await(String what, S3Uri source, CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new TaskFailureException(ErrorKind.INPUT, what + ": the download of " + source + " was interrupted",
          true, null, e);
    } catch (ExecutionException e) {
      throw S3Errors.input(what, source, client, e);
    }
  }

  /** Closes the presigner and the HTTP fetcher's idle connections and threads. */
  @Override
  public void close() {
    http.close();
    presigner.close();
  }
}
