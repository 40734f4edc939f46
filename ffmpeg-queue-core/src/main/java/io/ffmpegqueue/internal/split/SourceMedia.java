package io.ffmpegqueue.internal.split;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the probe found in the input: the presentation time of every video frame (from the packets, so
 * without decoding), which of them are keyframes, and the span of the audio. Read from the
 * {@code framecrc} listing that {@link PartCommands#probe} writes; times are relative to the input's start,
 * as {@code -ss} counts them.
 *
 * @param timeBase the video stream's time base in seconds per tick
 * @param framePts each video frame's presentation time in ticks, ascending
 * @param keyframeIndexes the indexes (into {@code framePts}) of the frames that are keyframes, ascending
 * @param endPts where the last frame ends, in ticks
 * @param audio whether there is an audio stream
 * @param audioStartSeconds when the audio starts (0 when none)
 * @param audioEndSeconds when the audio ends (0 when none)
 * @param frameBytes each video frame's packet size in bytes, in the order of {@code framePts}: how much
 *     the source spent on it, the cheapest hint of how long a part takes to decode and encode
 */
public record SourceMedia(double timeBase, long[] framePts, int[] keyframeIndexes, long endPts, boolean audio,
    double audioStartSeconds, double audioEndSeconds, long[] frameBytes) {
  private static final int DISCARD = 0x4;
  private static final int KEY = 0x1;

  /** Checks that every frame has its size. */
  public SourceMedia {
    if (frameBytes.length != framePts.length) {
      throw new IllegalArgumentException("frameBytes has " + frameBytes.length + " sizes for " + framePts.length
          + " frames");
    }
  }

  /** The packet bytes of frames {@code from} (inclusive) to {@code to} (exclusive). */
  public long bytes(int from, int to) {
    long sum = 0;
    for (int i = from; i < to; i++) {
      sum += frameBytes[i];
    }
    return sum;
  }

  /** How many of the frames are keyframes. */
  public int keyframes() {
    return keyframeIndexes.length;
  }

  /** Whether frame {@code i} is a keyframe. */
  public boolean keyframe(int i) {
    return Arrays.binarySearch(keyframeIndexes, i) >= 0;
  }

  /** How many video frames. */
  public int frames() {
    return framePts.length;
  }

  /** The video's duration in seconds: from its first frame to the end of its last. */
  public double durationSeconds() {
    return framePts.length == 0 ? 0 : (endPts - framePts[0]) * timeBase;
  }

  /** Frame {@code i}'s presentation time in seconds. */
  public double seconds(int i) {
    return framePts[i] * timeBase;
  }

  /** The mean frame rate. */
  public double frameRate() {
    return durationSeconds() <= 0 ? 0 : frames() / durationSeconds();
  }

  /**
   * Reads a {@code framecrc} listing of the input's first video stream (index 0) and, when there is one,
   * its first audio stream (index 1).
   *
   * @throws IllegalArgumentException when the listing has no video frames or cannot be read
   */
  public static SourceMedia parse(String framecrc) {
    Map<Integer, double[]> timeBases = new HashMap<>();
    Map<Integer, String> types = new HashMap<>();
    List<long[]> video = new ArrayList<>();
    long audioStart = Long.MAX_VALUE;
    long audioEnd = Long.MIN_VALUE;
    for (String line : framecrc.split("\n")) {
      line = line.strip();
      if (line.startsWith("#tb ")) {
        int colon = line.indexOf(':');
        String[] r = line.substring(colon + 1).strip().split("/");
        timeBases.put(Integer.parseInt(line.substring(4, colon).strip()),
            new double[] {Double.parseDouble(r[0]) / Double.parseDouble(r[1])});
      } else if (line.startsWith("#media_type ")) {
        int colon = line.indexOf(':');
        types.put(Integer.parseInt(line.substring(12, colon).strip()), line.substring(colon + 1).strip());
      } else if (!line.isEmpty() && !line.startsWith("#")) {
        String[] f = line.split(",");
        int stream = Integer.parseInt(f[0].strip());
        long pts = Long.parseLong(f[2].strip());
        long duration = Long.parseLong(f[3].strip());
        long size = f.length > 4 ? Long.parseLong(f[4].strip()) : 0;
        int flags = 1;
        for (int i = 6; i < f.length; i++) {
          String x = f[i].strip();
          if (x.startsWith("F=0x")) {
            flags = Integer.parseInt(x.substring(4), 16);
          }
        }
        if ((flags & DISCARD) != 0) {
          continue;
        }
        if ("video".equals(types.get(stream))) {
          // the key flag travels with its pts: the packets are sorted by pts below
          video.add(new long[] {pts, duration, flags & KEY, size});
        } else if ("audio".equals(types.get(stream))) {
          audioStart = Math.min(audioStart, pts);
          audioEnd = Math.max(audioEnd, pts + duration);
        }
      }
    }
    if (video.isEmpty()) {
      throw new IllegalArgumentException("the input has no video frames");
    }
    int videoIndex = types.entrySet().stream().filter(e -> e.getValue().equals("video")).findFirst().orElseThrow().getKey();
    video.sort((a, b) -> Long.compare(a[0], b[0]));
    long[] pts = new long[video.size()];
    long[] bytes = new long[pts.length];
    long end = Long.MIN_VALUE;
    int[] keys = new int[pts.length];
    int keyframes = 0;
    for (int i = 0; i < pts.length; i++) {
      pts[i] = video.get(i)[0];
      bytes[i] = video.get(i)[3];
      if (video.get(i)[2] != 0) {
        keys[keyframes++] = i;
      }
      end = Math.max(end, video.get(i)[0] + Math.max(video.get(i)[1], 0));
    }
    if (end <= pts[pts.length - 1]) {
      // no packet durations: a frame's worth after the last one, at the mean rate
      end = pts[pts.length - 1] + (pts.length > 1 ? (pts[pts.length - 1] - pts[0]) / (pts.length - 1) : 1);
    }
    boolean audio = audioEnd > audioStart;
    int audioIndex = types.entrySet().stream().filter(e -> e.getValue().equals("audio")).map(Map.Entry::getKey)
        .findFirst().orElse(-1);
    double atb = audio ? timeBases.get(audioIndex)[0] : 0;
    return new SourceMedia(timeBases.get(videoIndex)[0], pts, Arrays.copyOf(keys, keyframes), end, audio,
        audio ? Math.max(audioStart, 0) * atb : 0, audio ? audioEnd * atb : 0, bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceMedia m && m.timeBase == timeBase && Arrays.equals(m.framePts, framePts)
        && m.endPts == endPts && m.audio == audio && Arrays.equals(m.keyframeIndexes, keyframeIndexes)
        && m.audioStartSeconds == audioStartSeconds && m.audioEndSeconds == audioEndSeconds
        && Arrays.equals(m.frameBytes, frameBytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(framePts) * 31 + Long.hashCode(endPts);
  }

  @Override
  public String toString() {
    return "SourceMedia[frames=" + frames() + ", keyframes=" + keyframes() + ", duration=" + durationSeconds()
        + " s, audio=" + audio + "]";
  }
}
