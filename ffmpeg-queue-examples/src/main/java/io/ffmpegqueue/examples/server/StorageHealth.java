package io.ffmpegqueue.examples.server;

import io.ffmpegqueue.io.LocalStorage;
import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.s3.S3Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code storage} health check: S3, the bucket answers within a few seconds; a local folder, it can be
 * written and has room. Either way a failure is {@code "degraded"} with the reason: the API still takes
 * tasks, but they fail when they store their outputs.
 */
final class StorageHealth implements HealthCheck {
  static final Duration S3_TIMEOUT = Duration.ofSeconds(3);
  static final long MIN_FREE_BYTES = 256L << 20;

  private final Storage storage;

  private StorageHealth(Storage storage) {
    this.storage = storage;
  }

  /** The check of {@code storage}, or {@code null} for a kind this check does not know. */
  static HealthCheck of(Storage storage) {
    return storage instanceof LocalStorage || storage instanceof S3Storage ? new StorageHealth(storage) : null;
  }

  @Override
  public String name() {
    return "storage";
  }

  @Override
  public String check() throws Degraded {
    if (storage instanceof S3Storage s3) {
      try {
        s3.checkBucket(S3_TIMEOUT);
      } catch (IOException e) {
        throw new Degraded(e.getMessage());
      }
      return "s3://" + s3.bucket() + " answers";
    }
    Path root = ((LocalStorage) storage).root();
    try {
      Files.createDirectories(root);
      Files.delete(Files.createTempFile(root, ".ffq-health", ".tmp"));
    } catch (IOException e) {
      // The folder's path is the operator's business, not an anonymous caller's: the variable names it.
      throw new Degraded("cannot write to the output folder (OUTPUT_DIR): " + reason(e));
    }
    long free;
    try {
      free = Files.getFileStore(root).getUsableSpace();
    } catch (IOException e) {
      throw new Degraded("cannot tell the free space of the output folder (OUTPUT_DIR): " + reason(e));
    }
    if (free < MIN_FREE_BYTES) {
      throw new Degraded("the output folder (OUTPUT_DIR) has " + (free >> 20) + " MiB free, less than "
          + (MIN_FREE_BYTES >> 20) + " MiB");
    }
    return "local folder writable, " + (free >> 20) + " MiB free";
  }

  private static String reason(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getClass().getSimpleName();
  }
}
