package io.ffmpegqueue.internal;

import io.ffmpegqueue.FfmpegQueueException;
import io.ffmpegqueue.ffmpeg.FfmpegRunner;

/** The runner a queue uses when the host names none. */
public final class DefaultRunner {
  private DefaultRunner() {}

  /** The default runner. */
  public static FfmpegRunner create() {
    throw new FfmpegQueueException("no FfmpegRunner is configured: pass one to FfmpegQueue.builder().runner(...)");
  }
}
