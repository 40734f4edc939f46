package io.ffmpegqueue.internal.worker;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the segments of one media playlist to ffmpeg, on a thread of its own: each segment's place in the
 * folder is a named pipe, and ffmpeg's HLS demuxer opens one playlist's segments strictly one after the other,
 * so this feed opens the next pipe (which waits until ffmpeg opens it), waits until the segment has arrived,
 * and passes it with {@code transferTo} (the kernel copies it); closing the pipe is the segment's end for
 * ffmpeg. One feed per media playlist, because ffmpeg reads the playlists side by side in an order of its own.
 * A segment ffmpeg stops reading early (it has what it needs) ends that segment; the fetch's failure ends the
 * feed (the pipeline reports the failure).
 */
final class SegmentFeed implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(SegmentFeed.class);

  private final List<HlsPlan.Segment> segments;
  private final Path folder;
  private final IntFunction<Path> staged;
  private final SegmentArrivals arrivals;
  private final String taskId;
  private final Thread thread;
  private volatile boolean closed;
  private volatile Path opening;

  /**
   * A feed of {@code segments} into their pipes under {@code folder}, from the files {@code staged} names for
   * each segment's index, once {@code arrivals} has them.
   */
  SegmentFeed(List<HlsPlan.Segment> segments, Path folder, IntFunction<Path> staged, SegmentArrivals arrivals,
      String taskId, int lane) {
    this.segments = segments;
    this.folder = folder;
    this.staged = staged;
    this.arrivals = arrivals;
    this.taskId = taskId;
    this.thread = new Thread(this, "ffq-input-segments-" + taskId + "-" + lane);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  @Override
  public void run() {
    try {
      for (HlsPlan.Segment s : segments) {
        Path pipe = folder.resolve(s.path());
        opening = pipe;
        if (closed) {
          return;
        }
        // Waits until ffmpeg opens the segment (or close() stands in for it).
        try (FileChannel out = FileChannel.open(pipe, StandardOpenOption.WRITE)) {
          if (closed) {
            return;
          }
          arrivals.await(s.index());
          Path file = staged.apply(s.index());
          try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            for (long pos = 0; pos < size && !closed; ) {
              pos += in.transferTo(pos, size - pos, out);
            }
          } finally {
            Files.deleteIfExists(file);
          }
        } catch (IOException e) {
          // ffmpeg stopped reading this segment (it needs no more of it, or exited); it opens the next if it wants it.
          log.debug("task {}: the feed of {} stopped: {}", taskId, s.path(), e.toString());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // the fetch failed: the pipeline reports that failure; ending the feed is all that is left
    }
  }

  /**
   * Stops the feed and waits for its thread: a feed waiting for ffmpeg to open a pipe (ffmpeg exited, or needs
   * no more of this playlist) is released by opening that pipe here, read and write, which never waits.
   */
  void close() {
    closed = true;
    thread.interrupt();
    boolean interrupted = false;
    while (thread.isAlive()) {
      Path pipe = opening;
      if (pipe != null) {
        try (FileChannel release = FileChannel.open(pipe, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
          log.trace("task {}: released the feed waiting on {} ({})", taskId, pipe.getFileName(), release.isOpen());
        } catch (IOException e) {
          log.debug("task {}: cannot open {} to release its feed: {}", taskId, pipe.getFileName(), e.toString());
        }
      }
      try {
        thread.join(100);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
