package io.ffmpegqueue.io;

import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskId;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Where outputs go: a local folder, S3, or the host's own. Implementations are thread-safe and prove
 * themselves with {@code StorageContract} from {@code ffmpeg-queue-testing}.
 */
public interface Storage {
  /**
   * Stores {@code file} as output {@code name} of {@code taskId}. {@code name} is a bare file name or a
   * relative path inside a declared folder ({@code hls/seg_001.ts}, see
   * {@link io.ffmpegqueue.OutputName#isRelativePath}), kept as it is under the task's prefix. Storing the
   * same name for the same task again (a retry) replaces it. A store that fails leaves nothing under the
   * final name.
   *
   * @throws TaskFailureException with {@link io.ffmpegqueue.ErrorKind#STORAGE}
   */
  StoredObject store(TaskId taskId, String name, Path file);

  /** Opens a stored object by the URI {@link #store} returned, for hosts that serve outputs. */
  InputStream open(URI uri) throws IOException;

  /** Deletes every stored output of {@code taskId}; nothing to delete is not an error. */
  void delete(TaskId taskId) throws IOException;

  /**
   * Deletes one stored output of {@code taskId}, as a failed attempt removes what it already uploaded;
   * nothing to delete is not an error. The default deletes every output of the task.
   */
  default void delete(TaskId taskId, String name) throws IOException {
    delete(taskId);
  }

  /**
   * The stored outputs of {@code taskId} whose names start with {@code prefix} ({@code "hls/"}; {@code ""}
   * for all), sorted by name: how a stored folder is read back.
   *
   * @throws UnsupportedOperationException when this storage cannot list (the default)
   */
  default List<StoredFile> list(TaskId taskId, String prefix) throws IOException {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot list stored outputs");
  }
}
