package io.ffmpegqueue.s3.internal;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns what the SDK throws into a failure a person can act on: which bucket, what S3 said, what to check.
 * Messages carry S3's error code and status, never a credential: the SDK's own messages hold neither the
 * secret key nor the signature, and the ones written here name only the bucket and key.
 */
public final class S3Errors {
  // Errors another attempt can fix on its own: a throttle, an outage, a token being refreshed, a clock
  // that drifted, an upload someone else aborted.
  private static final Set<String> RETRYABLE_CODES = Set.of(
      "SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "RequestTimeTooSkewed",
      "ExpiredToken", "TokenRefreshRequired", "NoSuchUpload", "OperationAborted", "Throttling");

  private S3Errors() {}

  /**
   * The failure of a step that wrote {@code where}: kind {@link ErrorKind#STORAGE}, with the message
   * {@code "what (s3://bucket/key): problem"}.
   */
  public static TaskFailureException storage(String what, S3Uri where, Throwable error) {
    return failure(ErrorKind.STORAGE, what, where, error);
  }

  /** The failure of a step that read {@code where}: kind {@link ErrorKind#INPUT}. */
  public static TaskFailureException input(String what, S3Uri where, Throwable error) {
    return failure(ErrorKind.INPUT, what, where, error);
  }

  /** The same failure as an {@link IOException}, for {@code open} and {@code delete}. */
  public static IOException io(String what, S3Uri where, Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof IOException io) {
      return io;
    }
    Problem p = describe(where, e);
    return new IOException(what + " " + where + ": " + p.message, e);
  }

  /** Whether {@code error} says the object (or its bucket) is not there. */
  public static boolean isNotFound(Throwable error) {
    return unwrap(error) instanceof AwsServiceException s && s.statusCode() == 404;
  }

  /** Whether {@code error} comes from a thread interrupt (the SDK reports one as an AbortedException). */
  public static boolean isInterruption(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof AbortedException || t instanceof InterruptedException
          || t instanceof java.io.InterruptedIOException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** The cause that matters, without the future and completion wrappers. */
  public static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException || t instanceof UncheckedIOException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static TaskFailureException failure(ErrorKind kind, String what, S3Uri where, Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof TaskFailureException tf) {
      return tf;
    }
    Problem p = describe(where, e);
    return new TaskFailureException(kind, what + " (" + where + "): " + p.message, p.retryable, null, e);
  }

  private record Problem(String message, boolean retryable) {}

  // Credentials, permissions and the bucket are the operator's configuration, which can be mended while a
  // task waits for its retry (a rotated key, a bucket created late, a policy that propagates): retried
  // under the queue's retry policy, and the message says what to check.
  private static final boolean CONFIG_RETRY = true;

  private static Problem describe(S3Uri where, Throwable e) {
    String bucket = where.bucket();
    if (e instanceof AwsServiceException s) {
      String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
      int status = s.statusCode();
      String said = "S3 answered " + status + (code == null ? "" : " " + code);
      if ("InvalidAccessKeyId".equals(code)) {
        return new Problem(said + ": the access key id is unknown to the server; check the configured"
            + " credentials (AWS_ACCESS_KEY_ID)", CONFIG_RETRY);
      }
      if ("SignatureDoesNotMatch".equals(code)) {
        return new Problem(said + ": the request signature was refused; the secret access key does not"
            + " match the access key id (AWS_SECRET_ACCESS_KEY), or the region is wrong", CONFIG_RETRY);
      }
      if ("AccessDenied".equals(code) || "AllAccessDisabled".equals(code) || (code == null && status == 403)) {
        return new Problem(said + ": access to bucket '" + bucket + "' is denied; the credentials lack"
            + " the permission", CONFIG_RETRY);
      }
      if ("NoSuchBucket".equals(code)) {
        return new Problem(said + ": bucket '" + bucket + "' does not exist (check S3_BUCKET and the"
            + " endpoint)", CONFIG_RETRY);
      }
      if ("NoSuchKey".equals(code) || (code == null && status == 404)) {
        return new Problem(said + ": the object does not exist", false);
      }
      if (code != null && RETRYABLE_CODES.contains(code)) {
        return new Problem(said + ": " + serviceMessage(s), true);
      }
      // 501: the store does not implement what was asked (SSE on S3Proxy, say); asking again will not help.
      boolean retry = (status >= 500 && status != 501) || status == 429 || status == 408;
      return new Problem(said + ": " + serviceMessage(s), retry);
    }
    if (isInterruption(e)) {
      return new Problem("the transfer was interrupted", true);
    }
    if (e instanceof SdkClientException c) {
      String m = c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName();
      if (m.contains("Unable to load credentials")) {
        return new Problem("no usable AWS credentials: " + m, false);
      }
      if (m.contains("Unable to load region")) {
        return new Problem("no AWS region is configured (set AWS_REGION): " + m, false);
      }
      return new Problem("cannot reach S3: " + m, true);
    }
    if (e instanceof SdkException s) {
      return new Problem("the S3 request failed: " + s.getMessage(), s.retryable());
    }
    if (e instanceof CancellationException) {
      return new Problem("the transfer was cancelled", true);
    }
    if (e instanceof IOException io) {
      return new Problem("local I/O failed: " + io.getMessage(), true);
    }
    return new Problem("unexpected error: " + e, true);
  }

  private static String serviceMessage(AwsServiceException s) {
    if (s.awsErrorDetails() != null && s.awsErrorDetails().errorMessage() != null) {
      return s.awsErrorDetails().errorMessage();
    }
    return String.valueOf(s.getMessage());
  }
}
