package io.ffmpegqueue.ffmpeg;


/** The runner a queue uses when the host names none: the process runner on the located ffmpeg, sandbox AUTO. */
public final class DefaultRunner {
  private DefaultRunner() {}

  /**
   * The default runner. Locates and checks ffmpeg now, so a queue without a usable ffmpeg fails at start
   * with a message that says what was tried.
   */
  public static FfmpegRunner create() {
    return create(CommandPolicy.strict());
  }

  /** The default runner, whose per-input format whitelist is {@code policy}'s (the queue's). */
  public static FfmpegRunner create(CommandPolicy policy) {
    return ProcessFfmpegRunner.builder().sandbox(Sandbox.AUTO).policy(policy).build();
  }
}
