package io.ffmpegqueue.internal.http;

import java.io.IOException;

/**
 * A request or transfer failed in a way another try may not: a connect error, a 5xx, a 429, a broken
 * stream. The message is the phrase the task's error shows, with the URL redacted.
 */
final class TransferException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long retryAfterNanos;

  TransferException(String message, long retryAfterNanos, Throwable cause) {
    super(message, cause);
    this.retryAfterNanos = retryAfterNanos;
  }

  TransferException(String message, Throwable cause) {
    this(message, -1, cause);
  }

  /** How long the server asked to wait ({@code Retry-After}), or -1. */
  long retryAfterNanos() {
    return retryAfterNanos;
  }
}
