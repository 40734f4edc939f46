package io.ffmpegqueue.internal.worker;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a {@link GrowingInput} into the named pipe that ffmpeg reads as the input, on a thread of its own: each
 * complete stretch goes from the download's file to the pipe with {@code transferTo} (the kernel copies it),
 * and the pipe closes (end of input for ffmpeg) when the download finished or failed. A pipe and not the
 * growing file itself, because ffmpeg must see the end of the input only when it is there, and must never
 * read the holes of a download in parallel ranges.
 */
final class InputFeed implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(InputFeed.class);

  private final GrowingInput input;
  private final Path fifo;
  private final String taskId;
  private final Thread thread;
  private volatile boolean closed;
  private volatile long fed;

  InputFeed(GrowingInput input, Path fifo, String taskId) {
    this.input = input;
    this.fifo = fifo;
    this.taskId = taskId;
    this.thread = new Thread(this, "ffq-input-feed-" + taskId);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** How many bytes went into the pipe. */
  long fed() {
    return fed;
  }

  @Override
  public void run() {
    // Opening the pipe for writing waits until ffmpeg opens it for reading (or close() stands in for it).
    try (FileChannel out = FileChannel.open(fifo, StandardOpenOption.WRITE)) {
      long pos = 0;
      while (!closed) {
        long complete = input.await(pos);
        if (complete == pos) {
          break; // the whole input went
        }
        while (pos < complete && !closed) {
          pos += input.transferTo(pos, complete - pos, out);
          fed = pos;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // ffmpeg stopped reading (it exited, or needs no more of the input); the runner reports on ffmpeg.
      log.debug("task {}: the feed of {} stopped after {} bytes: {}", taskId, fifo.getFileName(), fed, e.toString());
    } catch (RuntimeException e) {
      // the download failed: the pipeline reports that failure; ending the pipe here is all that is left
    }
  }

  /**
   * Stops the feed and waits for its thread: a feed still waiting for ffmpeg to open the pipe is released by
   * opening the pipe here, read and write, which never waits.
   */
  void close() {
    closed = true;
    thread.interrupt();
    if (!thread.isAlive()) {
      return;
    }
    FileChannel release = null;
    try {
      release = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      log.debug("task {}: cannot open {} to release its feed: {}", taskId, fifo.getFileName(), e.toString());
    }
    OverlappedRun.join(thread, () -> { }); // nothing to do at an interrupt: the reader opened above lets the feed end
    if (release != null) {
      try {
        release.close();
      } catch (IOException e) {
        // nothing was written through it
      }
    }
  }
}
