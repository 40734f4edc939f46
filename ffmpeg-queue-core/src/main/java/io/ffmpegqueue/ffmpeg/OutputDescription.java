package io.ffmpegqueue.ffmpeg;

/**
 * How {@link ProcessFfmpegRunner} describes each output after a successful run ({@link FfmpegResult#media()},
 * the task's output media).
 */
public enum OutputDescription {
  /**
   * From what ffmpeg itself printed while it ran (the default): the muxer ({@code mp4}) and each stream's
   * type, codec and dimensions from its {@code Output #N} report, exactly as written into the file; and, for
   * a command with one output, the duration from its last progress report (the end of the last packet
   * written, which can be a frame shorter than the container's own duration). Costs no extra process. An
   * output the report does not describe (a log level below {@code info}, or a command with several outputs,
   * whose durations ffmpeg does not report one by one) is described by ffprobe instead, as with
   * {@link #FFPROBE}.
   */
  FFMPEG_REPORT,
  /**
   * By ffprobe, run once per output after ffmpeg in the same sandbox: the demuxers' format names
   * ({@code mov,mp4,m4a,3gp,3g2,mj2}) and the container's duration. One more short process per output (on
   * the order of 10 to 20 ms: ffprobe loads every FFmpeg library when it starts).
   */
  FFPROBE,
  /** Not at all: the task's outputs carry no media description. */
  NONE
}
