package io.ffmpegqueue.s3.internal;

import io.ffmpegqueue.TaskFailureException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Uploads one file: a single PUT below the multipart threshold, otherwise a multipart upload that reads
 * the file once, in order, part by part into a bounded set of buffers, hashing as it reads, while up to
 * {@code concurrency} parts are in flight. The SDK retries a failed part on its own (only that part is
 * sent again); a part that still fails ends the upload, and the upload is then aborted, in the background
 * if S3 is unreachable at that moment, so no parts are left stored.
 */
public final class ObjectUploader {
  private static final Logger log = LoggerFactory.getLogger(ObjectUploader.class);
  /** S3 refuses more parts than this in one upload. */
  static final int MAX_PARTS = 10_000;
  private static final long MIB = 1L << 20;

  private final S3AsyncClient client;
  private final long partSize;
  private final long threshold;
  private final int concurrency;
  private final PendingAborts aborts;

  /**
   * An uploader.
   *
   * @param partSize bytes per part (5 MiB to 512 MiB); grown for files that would need more than 10,000 parts
   * @param threshold files of at least this many bytes go multipart
   * @param concurrency parts in flight at once
   */
  public ObjectUploader(S3AsyncClient client, long partSize, long threshold, int concurrency, PendingAborts aborts) {
    this.client = client;
    this.partSize = partSize;
    this.threshold = threshold;
    this.concurrency = concurrency;
    this.aborts = aborts;
  }

  /**
   * What an upload produced.
   *
   * @param size bytes uploaded
   * @param sha256 the SHA-256 of the file, lowercase hex
   * @param eTag the object's ETag as S3 returned it
   * @param parts the number of parts, 0 for a single PUT
   */
  public record Result(long size, String sha256, String eTag, int parts) {}

  /** Uploads {@code file} to {@code target}; {@code what} names it in errors ("output 'out.mp4'"). */
  public Result upload(String what, S3Uri target, Path file, ObjectAttributes attributes) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < threshold) {
        return single(what, target, ch, size, attributes);
      }
      return multipart(what, target, ch, size, attributes);
    } catch (IOException e) {
      throw new TaskFailureException(io.ffmpegqueue.ErrorKind.STORAGE, what + ": cannot read the file to upload: "
          + e.getMessage(), true, null, e);
    }
  }

  private Result single(String what, S3Uri target, FileChannel ch, long size, ObjectAttributes attributes)
      throws IOException {
    byte[] bytes = new byte[Math.toIntExact(size)];
    readFully(ch, ByteBuffer.wrap(bytes), 0);
    MessageDigest sha = sha256();
    sha.update(bytes);
    CompletableFuture<PutObjectResponse> f = client.putObject(
        attributes.applyTo(software.amazon.awssdk.services.s3.model.PutObjectRequest.builder()
            .bucket(target.bucket()).key(target.key()).contentLength(size)).build(),
        AsyncRequestBody.fromBytesUnsafe(bytes));
    PutObjectResponse r = await(what, target, f);
    return new Result(size, hex(sha.digest()), r.eTag(), 0);
  }

  private Result multipart(String what, S3Uri target, FileChannel ch, long size, ObjectAttributes attributes)
      throws IOException {
    long part = partSizeFor(size);
    int count = Math.toIntExact((size + part - 1) / part);
    abortStale(what, target);
    String uploadId = await(what, target, client.createMultipartUpload(
        attributes.applyTo(software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest.builder()
            .bucket(target.bucket()).key(target.key())).build())).uploadId();
    log.debug("multipart upload {} of {}: {} bytes in {} parts of {}", uploadId, target, size, count, part);

    MessageDigest sha = sha256();
    String[] eTags = new String[count];
    List<CompletableFuture<UploadPartResponse>> inFlight = new ArrayList<>(count);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Semaphore permits = new Semaphore(concurrency);
    BlockingQueue<byte[]> buffers = new ArrayBlockingQueue<>(concurrency);
    boolean interrupted = false;
    try {
      for (int i = 0; i < count && failure.get() == null; i++) {
        permits.acquire();
        if (failure.get() != null) {
          permits.release();
          break;
        }
        long offset = i * part;
        int length = (int) Math.min(part, size - offset);
        byte[] buffer = buffers.poll();
        if (buffer == null) {
          buffer = new byte[(int) part];
        }
        ByteBuffer body = ByteBuffer.wrap(buffer, 0, length);
        readFully(ch, body.duplicate(), offset);
        sha.update(buffer, 0, length);
        int partNumber = i + 1;
        byte[] held = buffer;
        CompletableFuture<UploadPartResponse> f = client.uploadPart(r -> r.bucket(target.bucket())
                .key(target.key()).uploadId(uploadId).partNumber(partNumber).contentLength((long) length),
            AsyncRequestBody.fromByteBufferUnsafe(body));
        inFlight.add(f);
        f.whenComplete((resp, err) -> {
          if (err != null) {
            failure.compareAndSet(null, err);
          } else {
            eTags[partNumber - 1] = resp.eTag();
            // Only a part that went through gives its buffer back: a failed request may still be
            // reading it while the upload winds down.
            buffers.offer(held);
          }
          permits.release();
        });
      }
      awaitAll(inFlight);
    } catch (InterruptedException e) {
      interrupted = true;
      failure.compareAndSet(null, e);
    } catch (IOException | RuntimeException e) {
      failure.compareAndSet(null, e);
    }
    if (failure.get() != null) {
      throw failed(what, target, uploadId, inFlight, failure.get(), interrupted);
    }
    List<CompletedPart> parts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      parts.add(CompletedPart.builder().partNumber(i + 1).eTag(eTags[i]).build());
    }
    try {
      String eTag = client.completeMultipartUpload(r -> r.bucket(target.bucket()).key(target.key())
          .uploadId(uploadId).multipartUpload(m -> m.parts(parts))).get().eTag();
      return new Result(size, hex(sha.digest()), eTag, count);
    } catch (InterruptedException e) {
      throw failed(what, target, uploadId, inFlight, e, true);
    } catch (ExecutionException | RuntimeException e) {
      throw failed(what, target, uploadId, inFlight, e, false);
    }
  }

  private TaskFailureException failed(String what, S3Uri target, String uploadId,
      List<CompletableFuture<UploadPartResponse>> inFlight, Throwable cause, boolean wasInterrupted) {
    // The SDK turns an interrupt it notices into an AbortedException and clears the flag: count it too.
    boolean interrupted = wasInterrupted || Thread.interrupted() || S3Errors.isInterruption(cause);
    inFlight.forEach(f -> f.cancel(true));
    // Abort only once no part request is running: a part that lands after the abort would stay stored.
    try {
      CompletableFuture.allOf(inFlight.toArray(CompletableFuture<?>[]::new)).handle((v, e) -> null).get();
    } catch (InterruptedException e) {
      interrupted = true;
    } catch (ExecutionException e) {
      // handled above: handle() never completes exceptionally
    }
    if (interrupted) {
      // Do not block an interrupted thread on the abort: hand it to the background.
      aborts.retryLater(target, uploadId);
      Thread.currentThread().interrupt();
      return new TaskFailureException(io.ffmpegqueue.ErrorKind.STORAGE,
          what + ": the upload to " + target + " was interrupted", true, null, cause);
    }
    aborts.abort(target, uploadId);
    return S3Errors.storage(what, target, client, cause);
  }

  /**
   * Aborts uploads of the same key left by an earlier attempt of this task that died before it could
   * abort them (a killed worker): a retry then leaves nothing behind, whatever happened before.
   */
  private void abortStale(String what, S3Uri target) {
    List<MultipartUpload> stale = await(what, target, client.listMultipartUploads(r -> r.bucket(target.bucket())
        .prefix(target.key()))).uploads();
    for (MultipartUpload u : stale) {
      if (u.key().equals(target.key())) {
        log.info("aborting multipart upload {} of {} left by an earlier attempt", u.uploadId(), target);
        aborts.abort(target, u.uploadId());
      }
    }
  }

  private long partSizeFor(long size) {
    long p = partSize;
    if ((size + p - 1) / p > MAX_PARTS) {
      long min = (size + MAX_PARTS - 1) / MAX_PARTS;
      p = (min + MIB - 1) / MIB * MIB;
    }
    return p;
  }

  private <T> T await(String what, S3Uri target, CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new TaskFailureException(io.ffmpegqueue.ErrorKind.STORAGE,
          what + ": the upload to " + target + " was interrupted", true, null, e);
    } catch (ExecutionException e) {
      throw S3Errors.storage(what, target, client, e);
    }
  }

  private static void awaitAll(List<CompletableFuture<UploadPartResponse>> futures) throws InterruptedException {
    try {
      CompletableFuture.allOf(futures.toArray(CompletableFuture<?>[]::new)).get();
    } catch (ExecutionException e) {
      // recorded as the failure by the part's own callback
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
    long pos = position;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, pos);
      if (n < 0) {
        throw new IOException("the file ended early at byte " + pos + "; was it changed during the upload?");
      }
      pos += n;
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  static String hex(byte[] digest) {
    return java.util.HexFormat.of().formatHex(digest);
  }
}
