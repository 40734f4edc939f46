package io.ffmpegqueue.io;

import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.TaskFailureException;
import java.net.URI;
import java.util.Set;

/**
 * Downloads a task's input into its workspace. The queue picks the fetcher by the URI's scheme; a URI
 * whose scheme no fetcher serves is refused when the task is submitted.
 */
public interface InputFetcher {
  /** The URI schemes this fetcher serves, lowercase ({@code "http"}, {@code "https"}). */
  Set<String> schemes();

  /**
   * Checks at submission what can be checked without I/O (allowed hosts, allowed folders).
   *
   * @throws InvalidTaskException naming the input when the URI is refused
   */
  default void validate(String name, URI uri) {}

  /**
   * Downloads {@code request.source()} to {@code request.target()}, which does not exist yet; a fetch that
   * fails must not leave it half-written.
   *
   * @throws TaskFailureException with {@link io.ffmpegqueue.ErrorKind#INPUT}, naming the input, retryable
   *     when another try could succeed
   */
  void fetch(FetchRequest request);
}
