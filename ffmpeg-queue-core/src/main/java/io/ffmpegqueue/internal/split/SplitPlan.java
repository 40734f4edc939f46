package io.ffmpegqueue.internal.split;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How an input's video is cut: parts of about the segment length, each a run of whole frames, together
 * every frame once. A cut moves to a source keyframe when one lies near it ({@link #SNAP}); otherwise it
 * falls on the nearest frame, keyframe or not: each part decodes from the keyframe before its first frame
 * and drops what comes before it. A part that starts on a keyframe seeks exactly to it, so it decodes
 * nothing it drops (in containers whose seek lands on it, see {@link Part#seekSeconds}).
 *
 * @param source what the probe found
 * @param segmentSeconds the segment length asked for
 * @param parts the parts, in order (one when the input is shorter than twice the segment length)
 */
public record SplitPlan(SourceMedia source, double segmentSeconds, List<Part> parts) {
  /** How far a cut may move to a keyframe, as a share of the part length. */
  public static final double SNAP = 0.1;

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
   * @param seekSeconds the {@code -ss} that starts decoding there; 0 for the first part. When its first
   *     frame is a keyframe, that frame's time rounded down to the microsecond (the frame is kept, the one
   *     before is earlier), so a demuxer that seeks to presentation times (MP4/MOV) lands on that keyframe
   *     and decodes no frame it drops; others (e.g. Matroska with B-frames, where ffmpeg seeks a little
   *     earlier) decode from an earlier keyframe as for any cut. Otherwise half-way between the frame before
   *     and its first frame, so no rounding can take or drop a frame
   * @param durationSeconds the time from its first frame to the next part's (to the video's end for the last)
   * @param bytes the source's packet bytes of its frames (0 when the probe had no sizes)
   */
  public record Part(int index, int firstFrame, int frames, double seekSeconds, double durationSeconds, long bytes) {}

  /**
   * The parts in the order workers should take them: the largest in source bytes first, ties in order.
   * Parts of equal length can differ several times in encode cost (a noisy scene against a still one), and
   * the source's bytes follow that cost; handing the costly ones out first leaves only small parts for
   * the end, so no worker finishes long after the others (longest-processing-time-first scheduling).
   */
  public List<Part> largestFirst() {
    return parts.stream().sorted(Comparator.comparingLong(Part::bytes).reversed()).toList();
  }

  /** Whether the input is split at all (at least two parts). */
  public boolean split() {
    return parts.size() > 1;
  }

  /**
   * Cuts {@code source} into parts of about {@code segmentSeconds}: as many as its duration holds whole
   * segments (rounded), of equal length, each starting at the frame nearest its share of the time, or at
   * the keyframe nearest it when one lies within {@link #SNAP} of the part length and no part becomes
   * shorter than half {@code segmentSeconds}.
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
      int key = nearestKeyframe(source, at);
      if (key > starts[k - 1] && Math.abs(source.seconds(key) - at) <= SNAP * duration / count
          && source.seconds(key) - source.seconds(starts[k - 1]) >= segmentSeconds / 2
          && t0 + duration * (k + 1) / count - source.seconds(key) >= segmentSeconds / 2) {
        f = key;
      }
      starts[k] = Math.max(f, starts[k - 1] + 1);
    }
    List<Part> parts = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      int a = starts[k];
      int b = starts[k + 1];
      double seek = a == 0 ? 0 : source.keyframe(a) ? floorMicros(source.seconds(a))
          : (source.seconds(a - 1) + source.seconds(a)) / 2;
      double end = b < source.frames() ? source.seconds(b) : source.endPts() * source.timeBase();
      parts.add(new Part(k, a, b - a, seek, end - source.seconds(a), source.bytes(a, b)));
    }
    return new SplitPlan(source, segmentSeconds, parts);
  }

  /**
   * {@code seconds} rounded down to the microsecond ({@code -ss} is read in microseconds), forgiving a
   * thousandth of a microsecond of floating-point error so that 10 s stays 10.000000, not 9.999999.
   */
  static double floorMicros(double seconds) {
    return Math.floor(seconds * 1e6 + 1e-3) / 1e6;
  }

  /** The keyframe nearest {@code seconds}, or -1 when there is none. */
  private static int nearestKeyframe(SourceMedia source, double seconds) {
    int best = -1;
    for (int i : source.keyframeIndexes()) {
      if (best < 0 || Math.abs(source.seconds(i) - seconds) < Math.abs(source.seconds(best) - seconds)) {
        best = i;
      }
    }
    return best;
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
