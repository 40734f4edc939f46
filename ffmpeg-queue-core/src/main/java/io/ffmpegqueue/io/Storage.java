package io.ffmpegqueue.io;

import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskId;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;

/**
 * Where outputs go: a local folder, S3, or the host's own. Implementations are thread-safe and prove
 * themselves with {@code StorageContract} from {@code ffmpeg-queue-testing}.
 */
public interface Storage {
  /**
   * Stores {@code file} as output {@code name} of {@code taskId}. Storing the same name for the same
   * task again (a retry) replaces it. A store that fails leaves nothing under the final name.
   *
   * @throws TaskFailureException with {@link io.ffmpegqueue.ErrorKind#STORAGE}
   */
  StoredObject store(TaskId taskId, String name, Path file);

  /** Opens a stored object by the URI {@link #store} returned, for hosts that serve outputs. */
  InputStream open(URI uri) throws IOException;

  /** Deletes every stored output of {@code taskId}; nothing to delete is not an error. */
  void delete(TaskId taskId) throws IOException;
}
