package io.ffmpegqueue;

/**
 * How much one task may write: past either limit the attempt fails with a message that names it, and the
 * files it already stored are deleted.
 *
 * <pre>{@code
 * FfmpegQueue.builder().outputLimits(new OutputLimits(5_000, 20L << 30)) ...
 * }</pre>
 *
 * @param maxFiles the most output files one task may write, 1 to {@value #MAX_FILES}
 * @param maxBytes the most bytes its outputs may hold together, at least 1
 */
public record OutputLimits(int maxFiles, long maxBytes) {
  /** The most output files any task may write: {@value}. */
  public static final int MAX_FILES = 20_000;

  /** Checks the limits. */
  public OutputLimits {
    if (maxFiles < 1 || maxFiles > MAX_FILES) {
      throw new IllegalArgumentException("maxFiles must be between 1 and " + MAX_FILES + ", got " + maxFiles);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
    }
  }

  /** The defaults: {@value #MAX_FILES} files and 64 GiB. */
  public static OutputLimits defaults() {
    return new OutputLimits(MAX_FILES, 64L << 30);
  }
}
