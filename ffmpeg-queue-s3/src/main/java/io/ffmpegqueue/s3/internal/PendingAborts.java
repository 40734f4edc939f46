package io.ffmpegqueue.s3.internal;

import io.ffmpegqueue.support.NamedThreadFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Multipart uploads whose abort failed (S3 was unreachable when the upload failed), tried again in the
 * background with a growing delay until S3 accepts the abort or the retry window closes. Without this an
 * outage in the middle of an upload would leave its parts stored, and billed, until a lifecycle rule
 * removes them.
 */
public final class PendingAborts implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PendingAborts.class);
  private static final Duration FIRST_DELAY = Duration.ofMillis(500);
  private static final Duration MAX_DELAY = Duration.ofSeconds(30);

  private final S3AsyncClient client;
  private final Duration window;
  private final Map<String, S3Uri> pending = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private ScheduledThreadPoolExecutor scheduler;
  private boolean closed;

  /** Retries aborts through {@code client} for at most {@code window} after each failure. */
  public PendingAborts(S3AsyncClient client, Duration window) {
    this.client = client;
    this.window = window;
  }

  /**
   * Aborts the upload now and returns whether it is gone. S3 may still store a part that was in flight
   * when the abort arrived, so the parts are listed afterwards and the abort repeated while some remain.
   */
  public boolean abortNow(S3Uri target, String uploadId) {
    try {
      for (int i = 0; i < 3; i++) {
        client.abortMultipartUpload(r -> r.bucket(target.bucket()).key(target.key()).uploadId(uploadId)).join();
        if (client.listParts(r -> r.bucket(target.bucket()).key(target.key()).uploadId(uploadId))
            .join().parts().isEmpty()) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException e) {
      if (S3Errors.isNotFound(e)) {
        return true; // NoSuchUpload: aborted (or completed) for good
      }
      log.debug("abort of multipart upload {} of {} failed: {}", uploadId, target, S3Errors.unwrap(e).toString());
      return false;
    }
  }

  /** Aborts the upload now, or, when that fails, keeps trying in the background. */
  public void abort(S3Uri target, String uploadId) {
    if (!abortNow(target, uploadId)) {
      log.warn("could not abort multipart upload {} of {}; retrying in the background for up to {}",
          uploadId, target, window);
      retryLater(target, uploadId);
    }
  }

  /** Keeps trying to abort the upload in the background. */
  public void retryLater(S3Uri target, String uploadId) {
    long deadline = System.nanoTime() + window.toNanos();
    synchronized (lock) {
      if (closed) {
        warnLeft(target, uploadId);
        return;
      }
      if (scheduler == null) {
        scheduler = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("ffq-s3-abort"));
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      }
      pending.put(uploadId, target);
      schedule(target, uploadId, FIRST_DELAY, deadline);
    }
    log.debug("aborting multipart upload {} of {} in the background", uploadId, target);
  }

  /** How many aborts are still to be done. */
  public int pending() {
    return pending.size();
  }

  private void schedule(S3Uri target, String uploadId, Duration delay, long deadline) {
    scheduler.schedule(() -> retry(target, uploadId, delay, deadline), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void retry(S3Uri target, String uploadId, Duration lastDelay, long deadline) {
    if (abortNow(target, uploadId)) {
      pending.remove(uploadId);
      log.info("aborted multipart upload {} of {} after an earlier failure", uploadId, target);
      return;
    }
    if (System.nanoTime() - deadline >= 0) {
      pending.remove(uploadId);
      warnLeft(target, uploadId);
      return;
    }
    Duration next = lastDelay.multipliedBy(2);
    if (next.compareTo(MAX_DELAY) > 0) {
      next = MAX_DELAY;
    }
    synchronized (lock) {
      if (!closed) {
        schedule(target, uploadId, next, deadline);
      }
    }
  }

  /** Makes one last attempt at every pending abort and stops the background thread. */
  @Override
  public void close() {
    ScheduledThreadPoolExecutor s;
    synchronized (lock) {
      closed = true;
      s = scheduler;
    }
    if (s != null) {
      s.shutdownNow();
      try {
        s.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Map.Entry<String, S3Uri> e : Map.copyOf(pending).entrySet()) {
      if (!abortNow(e.getValue(), e.getKey())) {
        warnLeft(e.getValue(), e.getKey());
      }
      pending.remove(e.getKey());
    }
  }

  private static void warnLeft(S3Uri target, String uploadId) {
    log.warn("gave up aborting multipart upload {} of {}: its parts stay stored until the next upload or delete"
        + " of that output, or a bucket lifecycle rule (AbortIncompleteMultipartUpload) removes them",
        uploadId, target);
  }
}
