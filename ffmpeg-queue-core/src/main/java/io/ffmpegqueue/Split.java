package io.ffmpegqueue;

/**
 * Asks for a task's video to be encoded in parts of about {@code segmentSeconds} by several workers and
 * joined again, frame-exactly, into the one output ({@code "split": {"segment_seconds": 30}} in JSON).
 * Only commands whose meaning does not change when cut are accepted
 * ({@link io.ffmpegqueue.ffmpeg.SplitCheck}); inputs shorter than twice the segment run in one piece.
 *
 * <pre>{@code
 * TaskRequest.builder()
 *     .command("-i input.mp4 -c:v libx264 -crf 23 -c:a aac output.mp4")
 *     .input("input.mp4", "https://example.com/long.mp4")
 *     .output("output.mp4")
 *     .split(Split.DEFAULT)
 *     .build();
 * }</pre>
 *
 * @param segmentSeconds the length of a part in seconds, at least {@link #MIN_SEGMENT_SECONDS}
 */
public record Split(double segmentSeconds) {
  /** The shortest segment accepted, in seconds: shorter parts cost much more size than they save time. */
  public static final double MIN_SEGMENT_SECONDS = 2;
  /** The longest segment accepted, in seconds. */
  public static final double MAX_SEGMENT_SECONDS = 3600;
  /** Parts of 30 s, the default. */
  public static final Split DEFAULT = new Split(30);

  /** Checks the segment length. */
  public Split {
    if (!(segmentSeconds >= MIN_SEGMENT_SECONDS && segmentSeconds <= MAX_SEGMENT_SECONDS)) {
      throw new InvalidTaskException("split", "segment_seconds must be between " + (int) MIN_SEGMENT_SECONDS + " and "
          + (int) MAX_SEGMENT_SECONDS + ", got " + segmentSeconds);
    }
  }
}
