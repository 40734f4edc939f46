package io.ffmpegqueue;

/**
 * A task request is invalid: {@link #field()} names the field (as in the JSON API, e.g.
 * {@code input_files}) and the message says why. Thrown before anything is enqueued.
 */
public class InvalidTaskException extends TaskRejectedException {
  private static final long serialVersionUID = 1L;

  private final String field;

  /** An invalid {@code field}; {@code message} says why and names the offending value. */
  public InvalidTaskException(String field, String message) {
    super(Reason.INVALID, field + ": " + message, null);
    this.field = field;
  }

  /** The field at fault, by its JSON name ({@code command}, {@code input_files}, ...). */
  public String field() {
    return field;
  }
}
