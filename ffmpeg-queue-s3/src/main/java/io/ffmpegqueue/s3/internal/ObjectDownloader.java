package io.ffmpegqueue.s3.internal;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.io.FetchProgress;
import io.ffmpegqueue.spi.TaskContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.core.FileTransformerConfiguration;
import software.amazon.awssdk.core.FileTransformerConfiguration.FailureBehavior;
import software.amazon.awssdk.core.FileTransformerConfiguration.FileWriteOption;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Downloads one object into a file: its size and ETag first, then ranges of {@code partSize} bytes, up to
 * {@code concurrency} at once, each written at its offset in a temporary file that is moved to the target
 * only when every range arrived. Every range asks for the ETag the download started with, so an object
 * replaced halfway fails the download instead of mixing two versions.
 */
public final class ObjectDownloader {
  private final S3AsyncClient client;
  private final long partSize;
  private final int concurrency;
  private final long maxSize;

  /** A downloader; {@code maxSize} bytes at most per object ({@link Long#MAX_VALUE} for no limit). */
  public ObjectDownloader(S3AsyncClient client, long partSize, int concurrency, long maxSize) {
    this.client = client;
    this.partSize = partSize;
    this.concurrency = concurrency;
    this.maxSize = maxSize;
  }

  /**
   * Downloads {@code source} to {@code target} (which must not exist); {@code what} names the input in
   * errors. Stops promptly when {@code context} is stopped. {@code progress} hears how much of the temporary
   * file is complete from its start, as ranges complete.
   */
  public long download(String what, S3Uri source, Path target, TaskContext context, FetchProgress progress) {
    HeadObjectResponse head = await(what, source, client.headObject(r -> r.bucket(source.bucket()).key(source.key())));
    long size = head.contentLength();
    if (size > maxSize) {
      throw new TaskFailureException(ErrorKind.INPUT, what + ": " + source + " is " + size
          + " bytes, more than the allowed " + maxSize, false);
    }
    String eTag = head.eTag();
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
    List<CompletableFuture<GetObjectResponse>> inFlight = new ArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Subscription stop = context.onStop(() -> {
      failure.compareAndSet(null, new TaskFailureException(ErrorKind.INPUT, what + ": the download of "
          + source + " was stopped (" + context.stopReason() + ")", true));
      synchronized (inFlight) {
        inFlight.forEach(f -> f.cancel(true));
      }
    });
    boolean done = false;
    try {
      Files.createFile(tmp);
      Semaphore permits = new Semaphore(concurrency);
      long ranges = Math.max(1, (size + partSize - 1) / partSize);
      InOrder inOrder = new InOrder(ranges);
      for (long i = 0; i < ranges && failure.get() == null; i++) {
        permits.acquire();
        if (failure.get() != null) {
          break;
        }
        long from = i * partSize;
        long to = Math.min(size, from + partSize) - 1;
        CompletableFuture<GetObjectResponse> f = client.getObject(r -> {
          r.bucket(source.bucket()).key(source.key());
          if (size > 0) {
            r.range("bytes=" + from + "-" + to);
          }
          if (eTag != null) {
            r.ifMatch(eTag);
          }
        }, AsyncResponseTransformer.toFile(tmp, FileTransformerConfiguration.builder()
            .fileWriteOption(FileWriteOption.WRITE_TO_POSITION).position(from)
            .failureBehavior(FailureBehavior.LEAVE).build()));
        synchronized (inFlight) {
          inFlight.add(f);
        }
        long part = i;
        f.whenComplete((resp, err) -> {
          if (err != null) {
            failure.compareAndSet(null, err);
          } else {
            long inOrderRanges = inOrder.done(part);
            if (inOrderRanges >= 0) {
              try {
                progress.written(tmp, Math.min(size, inOrderRanges * partSize));
              } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
              }
            }
          }
          permits.release();
        });
      }
      List<CompletableFuture<GetObjectResponse>> all;
      synchronized (inFlight) {
        all = List.copyOf(inFlight);
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture<?>[]::new)).handle((v, e) -> null).get();
      if (failure.get() != null) {
        throw S3Errors.input(what, source, client, failure.get());
      }
      long got = Files.size(tmp);
      if (got != size) {
        throw new TaskFailureException(ErrorKind.INPUT, what + ": " + source + " gave " + got
            + " bytes instead of the " + size + " it announced", true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      done = true;
      return size;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskFailureException(ErrorKind.INPUT, what + ": the download of " + source + " was interrupted",
          true, null, e);
    } catch (ExecutionException e) {
      throw S3Errors.input(what, source, client, e);
    } catch (IOException e) {
      throw new TaskFailureException(ErrorKind.INPUT, what + ": cannot write " + target.getFileName() + ": "
          + e.getMessage(), true, null, e);
    } finally {
      stop.close();
      if (!done) {
        synchronized (inFlight) {
          inFlight.forEach(f -> f.cancel(true));
        }
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the workspace is removed with the attempt anyway
        }
      }
    }
  }

  /** Which ranges are done, and so how many from the start are. */
  private static final class InOrder {
    private final BitSet done = new BitSet();
    private final long ranges;
    private long firstPending;

    InOrder(long ranges) {
      this.ranges = ranges;
    }

    /** Marks range {@code i} done; how many ranges from the start are done when that grew, else -1. */
    synchronized long done(long i) {
      done.set((int) i);
      if (i != firstPending) {
        return -1;
      }
      while (firstPending < ranges && done.get((int) firstPending)) {
        firstPending++;
      }
      return firstPending;
    }
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
}
