package io.ffmpegqueue.io;

import io.ffmpegqueue.spi.TaskContext;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One input to fetch.
 *
 * @param name the input's declared name
 * @param source where to fetch it from
 * @param target the file to write (in the task's workspace)
 * @param context the task's context, for its stop signal
 */
public record FetchRequest(String name, URI source, Path target, TaskContext context) {
  /** Checks the fields. */
  public FetchRequest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(context, "context");
  }
}
