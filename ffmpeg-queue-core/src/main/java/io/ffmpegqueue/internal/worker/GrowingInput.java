package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.io.FetchProgress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An input while it downloads, as its readers see it: how much of it is complete from its start, whether the
 * download finished or failed, and reads of the complete part. The fetch reports into it ({@link FetchProgress});
 * the head check and the feed to ffmpeg wait on it.
 */
final class GrowingInput implements FetchProgress {
  private final String name;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private FileChannel file;
  private long complete;
  private long consumed;
  private boolean finished;
  private RuntimeException failure;

  GrowingInput(String name) {
    this.name = name;
  }

  @Override
  public void written(Path partial, long bytes) {
    lock.lock();
    try {
      if (file == null) {
        try {
          file = FileChannel.open(partial, StandardOpenOption.READ);
        } catch (IOException e) {
          throw new TaskFailureException(ErrorKind.RESOURCES, "input '" + name + "': cannot read the download "
              + "while it arrives: " + e.getMessage(), true, null, e);
        }
      }
      if (bytes > complete) { // parallel ranges may report out of order
        complete = bytes;
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void restarted() {
    lock.lock();
    try {
      if (consumed > 0) {
        // ffmpeg has read the old bytes; the server may be sending another version of the input.
        throw new TaskFailureException(ErrorKind.INPUT, "input '" + name + "': the server sent the input again "
            + "from its start while ffmpeg was already reading it", true);
      }
      complete = 0;
    } finally {
      lock.unlock();
    }
  }

  /** The download is complete: {@code size} bytes. */
  void finished(long size) {
    lock.lock();
    try {
      complete = size;
      finished = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The download failed with {@code e}; readers waiting get it. */
  void failed(RuntimeException e) {
    lock.lock();
    try {
      if (!finished && failure == null) {
        failure = e;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The failure the download ended with, or {@code null}. */
  RuntimeException failure() {
    lock.lock();
    try {
      return failure;
    } finally {
      lock.unlock();
    }
  }

  /** Whether the whole input is here. */
  boolean isFinished() {
    lock.lock();
    try {
      return finished;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until more than {@code from} bytes are complete, or the download finished; returns how many are
   * complete (exactly {@code from} only at the end of the input). A reader that passes {@code from} has used
   * the bytes before it.
   *
   * @throws RuntimeException the download's failure
   */
  long await(long from) throws InterruptedException {
    lock.lock();
    try {
      consumed = Math.max(consumed, from);
      while (complete <= from && !finished && failure == null) {
        changed.await();
      }
      if (failure != null) {
        throw failure;
      }
      return complete;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until at least {@code bytes} are complete or the input ended; how many are complete. */
  long awaitAtLeast(long bytes) throws InterruptedException {
    long have = 0;
    while (true) {
      long now = await(have);
      if (now >= bytes || now == have) {
        return now;
      }
      have = now;
    }
  }

  /** Reads complete bytes at {@code position} into {@code dst}. */
  int read(ByteBuffer dst, long position) {
    try {
      return channel().read(dst, position);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends the complete bytes {@code [position, position + count)} to {@code target}; how many went. */
  long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    return channel().transferTo(position, count, target);
  }

  private FileChannel channel() {
    lock.lock();
    try {
      if (file == null) {
        throw new IllegalStateException("input '" + name + "': nothing of it was reported written");
      }
      return file;
    } finally {
      lock.unlock();
    }
  }

  /** Closes the reading side. */
  void close() {
    lock.lock();
    try {
      if (file != null) {
        file.close();
      }
    } catch (IOException e) {
      // a read-only channel: nothing was lost
    } finally {
      lock.unlock();
    }
  }
}
