package io.ffmpegqueue.internal.http;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.io.FetchProgress;
import io.ffmpegqueue.io.FetchRequest;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fetch of one input, the file side: one stream that resumes where it broke ({@code Range} and
 * {@code If-Range}), or parallel ranges for big inputs, written to a hidden temporary file next to the target
 * and moved into place only when complete, so a failed or stopped fetch leaves nothing behind. The HTTP side
 * (redirects, retries, the stop switch) is {@link HttpCalls}.
 */
public final class HttpDownload {
  private static final Logger log = LoggerFactory.getLogger(HttpDownload.class);
  private static final int BUFFER_BYTES = 256 * 1024;
  // Written and reported this often while someone reads the file as it arrives: a server that pauses should
  // not leave much of what it sent in the buffer, out of the reader's sight.
  private static final int PROGRESSIVE_CHUNK_BYTES = 64 * 1024;
  // What counts as progress: a server that drips a few bytes before each failure should not retry forever.
  private static final long MIN_PROGRESS = 1L << 20;
  private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER_BYTES));

  private final HttpSettings settings;
  private final HttpCalls http;
  private final Executor rangeExecutor;
  private final FetchRequest request;
  private final FetchProgress progress;
  private Path tmp;

  /**
   * A fetch of {@code request} over {@code base}; {@code rangeExecutor} runs the extra streams of a parallel
   * download; {@code progress} hears how much of the file is complete from its start.
   */
  public HttpDownload(HttpSettings settings, OkHttpClient base, Executor rangeExecutor, FetchRequest request,
      FetchProgress progress) {
    this.settings = settings;
    this.http = new HttpCalls(settings, base, request);
    this.rangeExecutor = rangeExecutor;
    this.request = request;
    this.progress = progress;
  }

  /** Downloads the input to its target. */
  public void run() {
    URI source = request.source();
    HttpUrl url = HttpUrl.parse(source.toString());
    if (url == null) {
      throw http.fatal(Urls.redact(source) + " is not a valid http(s) URL", false, null);
    }
    Path target = request.target();
    tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
    Subscription stop = request.context().onStop(() -> http.abort(HttpCalls.Abort.STOPPED));
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        download(url, channel);
      }
      http.checkAborted();
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw writeFailure(e);
    } catch (WriteFailed e) {
      throw writeFailure(e.getCause());
    } finally {
      stop.close();
      http.cancelCalls();
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        log.warn("task {}: could not remove the partial download {}: {}", http.taskId(), tmp, e.toString());
      }
    }
  }

  private TaskFailureException writeFailure(IOException e) {
    if (http.aborted() == HttpCalls.Abort.STOPPED || Thread.currentThread().isInterrupted()) {
      return http.stopped();
    }
    return new TaskFailureException(ErrorKind.RESOURCES, "input '" + request.name() + "': cannot write "
        + request.target().getFileName() + " in the workspace: " + e.getMessage(), true, null, e);
  }

  private void download(HttpUrl url, FileChannel channel) {
    HttpCalls.Attempts attempts = http.attempts();
    HttpCalls.Opened opened = http.openRetrying(url, 0, -1, null, attempts);
    HttpUrl at = opened.url();
    Cursor cursor = new Cursor(0);
    String validator = null;
    while (true) {
      try {
        Response r = opened.response();
        long total;
        boolean resumable;
        if (r.code() == 416) {
          if (cursor.pos == 0 && ContentRange.unsatisfiedSize(r.header("Content-Range")) == 0) {
            return; // an empty input: there is no byte 0 to send
          }
          throw http.fatal("HTTP 416 from " + Urls.redact(at), false, null);
        }
        if (r.code() == 206) {
          ContentRange cr = ContentRange.parse(r.header("Content-Range"));
          if (cr == null || cr.first() != cursor.pos) {
            throw http.fatal(Urls.redact(at) + " answered a request for bytes from " + cursor.pos + " with Content-Range '"
                + r.header("Content-Range") + "'", true, null);
          }
          total = cr.total();
          resumable = true;
        } else {
          if (cursor.pos > 0) {
            // The server sends the whole again (no range support, or the input changed): start over.
            restart(channel);
            cursor.pos = 0;
          }
          total = r.body().contentLength();
          resumable = total >= 0 && "bytes".equalsIgnoreCase(r.header("Accept-Ranges"));
        }
        if (cursor.pos == 0) {
          validator = HttpCalls.validator(r);
        }
        if (total > settings.maxSize()) {
          throw http.fatal(Urls.redact(at) + " is " + Urls.size(total) + ", larger than the "
              + Urls.size(settings.maxSize()) + " limit", false, null);
        }
        if (cursor.pos == 0 && r.code() == 206 && settings.parallelism() > 1 && total >= settings.rangedAbove()
            && total > settings.partSize()) {
          http.close(opened);
          ranged(at, total, validator, channel);
          return;
        }
        long before = cursor.pos;
        try {
          copy(r.body().source(), channel, cursor, total >= 0 ? total : settings.maxSize(), at, true);
          if (total >= 0 && cursor.pos < total) {
            throw new EOFException("the body ended at byte " + cursor.pos + " of " + total);
          }
          return;
        } catch (IOException e) {
          long wait = attempts.failed(http.bodyFailure(e, at, cursor.pos), cursor.pos - before >= MIN_PROGRESS);
          if (!resumable) {
            restart(channel);
            cursor.pos = 0;
          }
          http.pause(wait);
        }
      } finally {
        http.close(opened);
      }
      opened = http.openRetrying(at, cursor.pos, -1, cursor.pos > 0 ? validator : null, attempts);
      at = opened.url();
    }
  }

  /** Downloads {@code total} bytes in parts of {@code partSize}, {@code parallelism} at a time. */
  private void ranged(HttpUrl at, long total, String validator, FileChannel channel) {
    long partSize = settings.partSize();
    int parts = (int) Math.min(Integer.MAX_VALUE, (total + partSize - 1) / partSize);
    int streams = Math.min(settings.parallelism(), parts);
    AtomicInteger next = new AtomicInteger();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    InOrder inOrder = new InOrder(parts, partSize, total);
    CountDownLatch done = new CountDownLatch(streams);
    log.debug("task {}: input '{}': {} in {} parts over {} streams", http.taskId(), request.name(), Urls.size(total), parts, streams);
    Runnable stream = () -> {
      try {
        int i;
        while (http.aborted() == null && (i = next.getAndIncrement()) < parts) {
          long first = i * partSize;
          part(at, first, Math.min(total, first + partSize), total, validator, channel);
          long complete = inOrder.done(i);
          if (complete >= 0) {
            progress.written(tmp, complete);
          }
        }
      } catch (HttpCalls.SiblingFailed e) {
        // another part failed first and reports it
      } catch (RuntimeException e) {
        if (failure.compareAndSet(null, e)) {
          http.abort(HttpCalls.Abort.FAILED);
        }
      } finally {
        done.countDown();
      }
    };
    for (int s = 1; s < streams; s++) {
      try {
        rangeExecutor.execute(stream);
      } catch (RejectedExecutionException e) {
        done.countDown(); // fewer streams, same parts
      }
    }
    stream.run();
    // Every stream writes into the file: wait for all of them, however this thread is interrupted.
    boolean interrupted = false;
    while (true) {
      try {
        done.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
        http.abort(HttpCalls.Abort.STOPPED);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    RuntimeException f = failure.get();
    if (f != null) {
      throw f;
    }
    http.checkAborted();
  }

  private void part(HttpUrl at, long first, long end, long total, String validator, FileChannel channel) {
    HttpCalls.Attempts attempts = http.attempts();
    Cursor cursor = new Cursor(first);
    while (true) {
      HttpCalls.Opened opened = http.openRetrying(at, cursor.pos, end - 1, validator, attempts);
      long before = cursor.pos;
      try {
        Response r = opened.response();
        ContentRange cr = r.code() == 206 ? ContentRange.parse(r.header("Content-Range")) : null;
        if (cr == null || cr.first() != cursor.pos || cr.last() != end - 1 || (cr.total() >= 0 && cr.total() != total)) {
          throw http.fatal(Urls.redact(at) + " changed or stopped serving ranges during the download (asked for bytes "
              + cursor.pos + "-" + (end - 1) + ", got HTTP " + r.code()
              + (r.header("Content-Range") != null ? " " + r.header("Content-Range") : "") + ")", true, null);
        }
        copy(r.body().source(), channel, cursor, end, at, false);
        if (cursor.pos < end) {
          throw new EOFException("the body ended at byte " + cursor.pos + " of " + end);
        }
        return;
      } catch (IOException e) {
        http.pause(attempts.failed(http.bodyFailure(e, at, cursor.pos - first), cursor.pos - before >= MIN_PROGRESS));
      } finally {
        http.close(opened);
      }
    }
  }

  /**
   * Streams {@code source} into {@code channel} at the cursor, never past {@code limit}; {@code inOrder} when
   * the file is complete up to the cursor, so that the progress hears of each write.
   */
  private void copy(BufferedSource source, FileChannel channel, Cursor cursor, long limit, HttpUrl at, boolean inOrder)
      throws IOException {
    ByteBuffer buffer = BUFFERS.get();
    int chunk = inOrder && progress != FetchProgress.NONE ? PROGRESSIVE_CHUNK_BYTES : BUFFER_BYTES;
    buffer.clear().limit(chunk);
    try {
      while (source.read(buffer) >= 0) {
        if (!buffer.hasRemaining()) {
          flush(buffer, channel, cursor, limit, at);
          buffer.limit(chunk);
          if (inOrder) {
            progress.written(tmp, cursor.pos);
          }
        }
      }
    } catch (IOException e) {
      flush(buffer, channel, cursor, limit, at); // what arrived is good: keep it for the resume
      throw e;
    }
    flush(buffer, channel, cursor, limit, at);
    if (inOrder) {
      progress.written(tmp, cursor.pos);
    }
  }

  private void flush(ByteBuffer buffer, FileChannel channel, Cursor cursor, long limit, HttpUrl at) throws IOException {
    buffer.flip();
    if (cursor.pos + buffer.remaining() > limit) {
      buffer.clear();
      if (limit == settings.maxSize()) {
        throw http.fatal("the download from " + Urls.redact(at) + " went past the " + Urls.size(settings.maxSize())
            + " limit", false, null);
      }
      throw new ProtocolException("the server sent more bytes than it announced");
    }
    try {
      while (buffer.hasRemaining()) {
        cursor.pos += channel.write(buffer, cursor.pos);
      }
    } catch (IOException e) {
      throw new WriteFailed(e);
    } finally {
      buffer.clear();
    }
  }

  private void restart(FileChannel channel) {
    progress.restarted();
    try {
      channel.truncate(0);
    } catch (IOException e) {
      throw new WriteFailed(e);
    }
  }

  /** Which parts of a parallel download are done, and so how much of the file is complete from its start. */
  private static final class InOrder {
    private final boolean[] done;
    private final long partSize;
    private final long total;
    private int firstPending;

    InOrder(int parts, long partSize, long total) {
      this.done = new boolean[parts];
      this.partSize = partSize;
      this.total = total;
    }

    /** Marks part {@code i} done; the bytes now complete from the start when that grew, else -1. */
    synchronized long done(int i) {
      done[i] = true;
      if (i != firstPending) {
        return -1;
      }
      while (firstPending < done.length && done[firstPending]) {
        firstPending++;
      }
      return Math.min(total, firstPending * partSize);
    }
  }

  /** Where the next byte of a stream goes. */
  private static final class Cursor {
    long pos;

    Cursor(long pos) {
      this.pos = pos;
    }
  }

  /** Writing the local file failed: not the network's fault, and not worth another try of the request. */
  private static final class WriteFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WriteFailed(IOException cause) {
      super(cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }
}
