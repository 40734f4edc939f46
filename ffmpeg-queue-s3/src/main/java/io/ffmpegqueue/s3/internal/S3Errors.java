package io.ffmpegqueue.s3.internal;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Turns what the SDK throws into a failure a person can act on: which bucket, what S3 said, what to check.
 * Messages carry S3's error code and status, never a credential: the SDK's own messages hold neither the
 * secret key nor the signature, and the ones written here name only the bucket and key.
 */
public final class S3Errors {
  private static final Logger log = LoggerFactory.getLogger(S3Errors.class);
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
  public static TaskFailureException storage(String what, S3Uri where, S3AsyncClient client, Throwable error) {
    return failure(ErrorKind.STORAGE, what, where, client, error);
  }

  /** The failure of a step that read {@code where}: kind {@link ErrorKind#INPUT}. */
  public static TaskFailureException input(String what, S3Uri where, S3AsyncClient client, Throwable error) {
    return failure(ErrorKind.INPUT, what, where, client, error);
  }

  /** The same failure as an {@link IOException}, for {@code open} and {@code delete}. */
  public static IOException io(String what, S3Uri where, S3AsyncClient client, Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof IOException io) {
      return io;
    }
    Problem p = describe(where, client, e);
    return new IOException(what + " " + where + ": " + p.message, e);
  }

  /**
   * Where {@code client} sends requests, for messages: its endpoint override, else the AWS regional
   * endpoint.
   */
  public static String endpoint(S3AsyncClient client) {
    if (client == null) {
      return "the S3 endpoint";
    }
    try {
      var config = client.serviceClientConfiguration();
      return config.endpointOverride().map(Object::toString)
          .orElseGet(() -> "https://s3." + config.region() + ".amazonaws.com");
    } catch (RuntimeException e) {
      return "the S3 endpoint";
    }
  }

  /**
   * Why a request never reached S3, in a few words ({@code connection refused}, {@code unknown host},
   * {@code connection timed out}), or {@code null} when it did reach it or failed otherwise.
   */
  static String unreachable(Throwable error) {
    int depth = 0;
    // The socket's own error first, wherever it sits in the chain; then the SDK's timeouts.
    for (Throwable t = error; t != null && depth++ < 32; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage();
      if (t instanceof java.net.UnknownHostException) {
        return "unknown host" + (m.isEmpty() ? "" : " " + m);
      }
      if (t instanceof java.net.NoRouteToHostException) {
        return "no route to host";
      }
      if (t instanceof java.net.ConnectException) {
        return m.startsWith("Connection refused") || m.isEmpty() ? "connection refused" : lowerFirst(firstPart(m));
      }
    }
    depth = 0;
    for (Throwable t = error; t != null && depth++ < 32; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage();
      if (t.getClass().getSimpleName().equals("ConnectTimeoutException") || m.contains("connection timed out")) {
        return "connection timed out";
      }
      if (t.getClass().getSimpleName().startsWith("ApiCallTimeout")
          || t.getClass().getSimpleName().startsWith("ApiCallAttemptTimeout")) {
        return "no answer in time";
      }
      if (m.contains("Acquire operation took longer")) {
        return "no connection could be opened in time";
      }
    }
    return null;
  }

  /**
   * After the SDK gave up waiting (its pool reports a refused connection, under load, as an acquire
   * timeout), one plain connection attempt to {@code endpoint} tells the cause; {@code otherwise} when it
   * connects or cannot tell.
   */
  static String dial(String endpoint, String otherwise) {
    java.net.URI uri;
    try {
      uri = java.net.URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      return otherwise;
    }
    if (uri.getHost() == null) {
      return otherwise;
    }
    int port = uri.getPort() != -1 ? uri.getPort() : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress(uri.getHost(), port), 1000);
      return otherwise;
    } catch (java.net.ConnectException e) {
      return "connection refused";
    } catch (java.net.SocketTimeoutException e) {
      return "connection timed out";
    } catch (java.net.UnknownHostException e) {
      return "unknown host " + uri.getHost();
    } catch (IOException e) {
      return otherwise;
    }
  }

  private static String firstPart(String m) {
    int colon = m.indexOf(':');
    return colon > 0 ? m.substring(0, colon) : m;
  }

  private static String lowerFirst(String m) {
    return m.isEmpty() ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1);
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

  private static TaskFailureException failure(ErrorKind kind, String what, S3Uri where, S3AsyncClient client,
      Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof TaskFailureException tf) {
      return tf;
    }
    Problem p = describe(where, client, e);
    return new TaskFailureException(kind, what + " (" + where + "): " + p.message, p.retryable, null, e);
  }

  private record Problem(String message, boolean retryable) {}

  // Credentials, permissions and the bucket are the operator's configuration, which can be mended while a
  // task waits for its retry (a rotated key, a bucket created late, a policy that propagates): retried
  // under the queue's retry policy, and the message says what to check.
  private static final boolean CONFIG_RETRY = true;

  private static Problem describe(S3Uri where, S3AsyncClient client, Throwable e) {
    String bucket = where.bucket();
    String unreachable = e instanceof AwsServiceException ? null : unreachable(e);
    if (unreachable != null) {
      // One sentence for the task; the SDK's own text (attempt counts, pool advice) goes to the log.
      String endpoint = endpoint(client);
      if (unreachable.endsWith("in time")) {
        unreachable = dial(endpoint, unreachable);
      }
      log.warn("cannot reach S3 at {} ({}): {}", endpoint, where, e.toString());
      return new Problem("cannot reach S3 at " + endpoint + ": " + unreachable, true);
    }
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
