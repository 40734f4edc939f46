package io.ffmpegqueue.io;

import java.nio.file.Path;

/**
 * What a {@link ProgressiveInputFetcher} tells while it downloads: how much of the file it is writing is
 * final, so that ffmpeg can start on the head of an input while the rest arrives. Called from the fetch's
 * own threads, often (after every few hundred KiB): implementations must be quick and thread-safe.
 */
public interface FetchProgress {
  /** Tells nothing to nobody. */
  FetchProgress NONE = new FetchProgress() {
    @Override
    public void written(Path file, long bytes) {}

    @Override
    public void restarted() {}
  };

  /**
   * The first {@code bytes} of {@code file} are written and will not change. {@code file} is the fetch's
   * temporary file, not its target: it is moved to the target when complete (an open channel on it still
   * reads it then).
   */
  void written(Path file, long bytes);

  /** Every byte reported so far is void: the fetch writes the input again from its start. */
  void restarted();
}
