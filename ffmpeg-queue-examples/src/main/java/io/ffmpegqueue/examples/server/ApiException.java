package io.ffmpegqueue.examples.server;

import io.ffmpegqueue.FfmpegQueueException;
import java.util.Map;

/**
 * An HTTP error answer: its status, a short machine-readable {@code error}, a {@code detail} a person can
 * act on (naming the field at fault), and extra headers ({@code Retry-After}, {@code Allow}). Thrown by
 * the endpoints, rendered by {@link ApiHandler}; never carries a stack trace to the client.
 */
final class ApiException extends FfmpegQueueException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;
  private final String field;
  private final transient Map<String, String> headers;

  ApiException(int status, String error, String detail) {
    this(status, error, detail, null, Map.of());
  }

  ApiException(int status, String error, String detail, String field, Map<String, String> headers) {
    super(detail);
    this.status = status;
    this.error = error;
    this.field = field;
    this.headers = Map.copyOf(headers);
  }

  /** A 400 about one field of the request; the detail starts with the field's name. */
  static ApiException badField(String field, String why) {
    return new ApiException(400, "invalid_request", field + ": " + why, field, Map.of());
  }

  static ApiException notFound(String detail) {
    return new ApiException(404, "not_found", detail);
  }

  int status() {
    return status;
  }

  String error() {
    return error;
  }

  String field() {
    return field;
  }

  Map<String, String> headers() {
    return headers;
  }
}
