package io.ffmpegqueue.internal.split;

import java.util.ArrayList;
import java.util.List;

/**
 * How an input's video is cut: parts of about the segment length, each a run of whole frames, together
 * every frame once. A cut may fall on any frame, keyframe or not: each part decodes from the keyframe
 * before its first frame and drops what comes before it.
 *
 * @param source what the probe found
 * @param segmentSeconds the segment length asked for
 * @param parts the parts, in order (one when the input is shorter than twice the segment length)
 */
public record SplitPlan(SourceMedia source, double segmentSeconds, List<Part> parts) {
  /** Copies. */
  public SplitPlan {
    parts = List.copyOf(parts);
  }

  /**
   * One part: frames {@code firstFrame} to {@code firstFrame + frames - 1} of the input.
   *
   * @param index its place, from 0
   * @param firstFrame the input frame it starts with
   * @param frames how many frames it has
   * @param seekSeconds the {@code -ss} that starts decoding there: half-way between the frame before and
   *     its first frame, so no rounding can take or drop a frame; 0 for the first part
   * @param durationSeconds the time from its first frame to the next part's (to the video's end for the last)
   */
  public record Part(int index, int firstFrame, int frames, double seekSeconds, double durationSeconds) {}

  /** Whether the input is split at all (at least two parts). */
  public boolean split() {
    return parts.size() > 1;
  }

  /**
   * Cuts {@code source} into parts of about {@code segmentSeconds}: as many as its duration holds whole
   * segments (rounded), of equal length, each starting at the frame nearest its share of the time.
   */
  public static SplitPlan of(SourceMedia source, double segmentSeconds) {
    double duration = source.durationSeconds();
    int count = duration < 2 * segmentSeconds ? 1 : (int) Math.max(2, Math.round(duration / segmentSeconds));
    count = Math.min(count, source.frames());
    int[] starts = new int[count + 1];
    starts[count] = source.frames();
    double t0 = source.seconds(0);
    for (int k = 1; k < count; k++) {
      double at = t0 + duration * k / count;
      int f = nearestFrame(source, at);
      starts[k] = Math.max(f, starts[k - 1] + 1);
    }
    List<Part> parts = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      int a = starts[k];
      int b = starts[k + 1];
      double seek = a == 0 ? 0 : (source.seconds(a - 1) + source.seconds(a)) / 2;
      double end = b < source.frames() ? source.seconds(b) : source.endPts() * source.timeBase();
      parts.add(new Part(k, a, b - a, seek, end - source.seconds(a)));
    }
    return new SplitPlan(source, segmentSeconds, parts);
  }

  private static int nearestFrame(SourceMedia source, double seconds) {
    long[] pts = source.framePts();
    long target = Math.round(seconds / source.timeBase());
    int i = java.util.Arrays.binarySearch(pts, target);
    if (i >= 0) {
      return i;
    }
    int after = -i - 1;
    if (after >= pts.length) {
      return pts.length - 1;
    }
    return after > 0 && target - pts[after - 1] < pts[after] - target ? after - 1 : after;
  }
}
