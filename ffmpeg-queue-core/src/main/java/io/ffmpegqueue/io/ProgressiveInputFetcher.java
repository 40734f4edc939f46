package io.ffmpegqueue.io;

/**
 * A fetcher that reports, while it downloads, how much of the input has arrived in order: the worker then
 * starts ffmpeg on the head of an input that can be read front to back (MPEG-TS, Matroska, MP4 with its index
 * at the front, most audio) and feeds it the rest as it comes, so that a task takes about the longer of its
 * download and its encode instead of their sum. {@link HttpInputFetcher} is one.
 */
public interface ProgressiveInputFetcher extends InputFetcher {
  /**
   * Downloads as {@link #fetch(FetchRequest)} does, telling {@code progress} how far the written file is
   * complete from its start.
   */
  void fetch(FetchRequest request, FetchProgress progress);

  @Override
  default void fetch(FetchRequest request) {
    fetch(request, FetchProgress.NONE);
  }
}
