package io.ffmpegqueue.io;

import java.util.Objects;

/**
 * A stored output found by {@link Storage#list}: its name relative to the task ({@code hls/seg_001.ts}) and
 * where it is.
 *
 * @param name the output's path relative to its task
 * @param object the stored object
 */
public record StoredFile(String name, StoredObject object) {
  /** Checks the fields. */
  public StoredFile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(object, "object");
  }
}
