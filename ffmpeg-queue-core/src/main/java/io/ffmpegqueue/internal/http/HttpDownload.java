package io.ffmpegqueue.internal.http;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.io.FetchRequest;
import io.ffmpegqueue.spi.StopReason;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fetch of one input: the request (redirects checked hop by hop), retries with backoff, resume of a
 * broken stream with {@code Range}/{@code If-Range}, and parallel ranges for big inputs. Streams to a
 * hidden temporary file next to the target and moves it into place only when complete, so a failed or
 * stopped fetch leaves nothing behind. Stopping the task cancels every call at once.
 */
public final class HttpDownload {
  private static final Logger log = LoggerFactory.getLogger(HttpDownload.class);
  private static final int BUFFER_BYTES = 256 * 1024;
  // Failures after progress do not use up attempts (the transfer resumes), but are bounded all the same.
  private static final int MAX_RESUMES = 50;
  // What counts as progress: a server that drips a few bytes before each failure should not retry forever.
  private static final long MIN_PROGRESS = 1L << 20;
  // A call timeout fires at the deadline; allow for the clock's grain when telling it from other errors.
  private static final long DEADLINE_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER_BYTES));

  private enum Abort { STOPPED, FAILED }

  private final HttpSettings settings;
  private final OkHttpClient client;
  private final Executor rangeExecutor;
  private final FetchRequest request;
  private final String name;
  private final long deadline;
  private final Set<Call> calls = ConcurrentHashMap.newKeySet();
  private final CountDownLatch aborted = new CountDownLatch(1);
  private volatile Abort abort;

  /**
   * A fetch of {@code request} over {@code base} (whose resolver and socket factory it replaces with guarded
   * ones); {@code rangeExecutor} runs the extra streams of a parallel download.
   */
  public HttpDownload(HttpSettings settings, OkHttpClient base, Executor rangeExecutor, FetchRequest request) {
    GuardedDns dns = new GuardedDns(settings.policy(), settings.dns());
    this.settings = settings;
    this.client = base.newBuilder().dns(dns).socketFactory(new GuardedSocketFactory(settings.policy(), dns)).build();
    this.rangeExecutor = rangeExecutor;
    this.request = request;
    this.name = request.name();
    this.deadline = System.nanoTime() + settings.downloadTimeout().toNanos();
  }

  /** Downloads the input to its target. */
  public void run() {
    URI source = request.source();
    HttpUrl url = HttpUrl.parse(source.toString());
    if (url == null) {
      throw fatal(Urls.redact(source) + " is not a valid http(s) URL", false, null);
    }
    Path target = request.target();
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
    Subscription stop = request.context().onStop(() -> abort(Abort.STOPPED));
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        download(url, channel);
      }
      checkAborted();
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw writeFailure(e);
    } catch (WriteFailed e) {
      throw writeFailure(e.getCause());
    } catch (SiblingFailed e) {
      throw stopped(); // not reached on this thread: only range helpers see a sibling's failure
    } finally {
      stop.close();
      cancelCalls();
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        log.warn("task {}: could not remove the partial download {}: {}", taskId(), tmp, e.toString());
      }
    }
  }

  private TaskFailureException writeFailure(IOException e) {
    if (abort == Abort.STOPPED || Thread.currentThread().isInterrupted()) {
      return stopped();
    }
    return new TaskFailureException(ErrorKind.RESOURCES, "input '" + name + "': cannot write "
        + request.target().getFileName() + " in the workspace: " + e.getMessage(), true, null, e);
  }

  private void download(HttpUrl url, FileChannel channel) {
    Attempts attempts = new Attempts();
    Opened opened = openRetrying(url, 0, -1, null, attempts);
    HttpUrl at = opened.url();
    Cursor cursor = new Cursor(0);
    long total;
    String validator = null;
    while (true) {
      boolean resumable;
      long before;
      try {
        Response r = opened.response();
        if (r.code() == 416) {
          if (cursor.pos == 0 && ContentRange.unsatisfiedSize(r.header("Content-Range")) == 0) {
            return; // an empty input: there is no byte 0 to send
          }
          throw fatal("HTTP 416 from " + Urls.redact(at), false, null);
        }
        if (r.code() == 206) {
          ContentRange cr = ContentRange.parse(r.header("Content-Range"));
          if (cr == null || cr.first() != cursor.pos) {
            throw fatal(Urls.redact(at) + " answered a request for bytes from " + cursor.pos + " with Content-Range '"
                + r.header("Content-Range") + "'", true, null);
          }
          total = cr.total();
          resumable = true;
        } else {
          if (cursor.pos > 0) {
            // The server sends the whole again (no range support, or the input changed): start over.
            truncate(channel);
            cursor.pos = 0;
          }
          total = r.body().contentLength();
          resumable = total >= 0 && "bytes".equalsIgnoreCase(r.header("Accept-Ranges"));
        }
        if (cursor.pos == 0) {
          validator = validator(r);
        }
        if (total > settings.maxSize()) {
          throw tooLarge(Urls.redact(at) + " is " + Urls.size(total) + ", larger than the " + Urls.size(settings.maxSize()) + " limit");
        }
        if (cursor.pos == 0 && r.code() == 206 && settings.parallelism() > 1 && total >= settings.rangedAbove()
            && total > settings.partSize()) {
          close(opened);
          ranged(at, total, validator, channel);
          return;
        }
        before = cursor.pos;
        try {
          copy(r.body().source(), channel, cursor, total >= 0 ? total : settings.maxSize(), at);
          if (total >= 0 && cursor.pos < total) {
            throw new EOFException("the body ended at byte " + cursor.pos + " of " + total);
          }
          return;
        } catch (IOException e) {
          long wait = attempts.failed(bodyFailure(e, at, cursor.pos), cursor.pos - before >= MIN_PROGRESS);
          if (!resumable) {
            truncate(channel);
            cursor.pos = 0;
          }
          pause(wait);
        }
      } finally {
        close(opened);
      }
      opened = openRetrying(at, cursor.pos, -1, cursor.pos > 0 ? validator : null, attempts);
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
    CountDownLatch done = new CountDownLatch(streams);
    log.debug("task {}: input '{}': {} in {} parts over {} streams", taskId(), name, Urls.size(total), parts, streams);
    Runnable stream = () -> {
      try {
        int i;
        while (abort == null && (i = next.getAndIncrement()) < parts) {
          long first = i * partSize;
          part(at, first, Math.min(total, first + partSize), total, validator, channel);
        }
      } catch (SiblingFailed e) {
        // another part failed first and reports it
      } catch (RuntimeException e) {
        if (failure.compareAndSet(null, e)) {
          abort(Abort.FAILED);
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
        abort(Abort.STOPPED);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    RuntimeException f = failure.get();
    if (f != null) {
      throw f;
    }
    checkAborted();
  }

  private void part(HttpUrl at, long first, long end, long total, String validator, FileChannel channel) {
    Attempts attempts = new Attempts();
    Cursor cursor = new Cursor(first);
    while (true) {
      Opened opened = openRetrying(at, cursor.pos, end - 1, validator, attempts);
      long before = cursor.pos;
      try {
        Response r = opened.response();
        ContentRange cr = r.code() == 206 ? ContentRange.parse(r.header("Content-Range")) : null;
        if (cr == null || cr.first() != cursor.pos || cr.last() != end - 1 || (cr.total() >= 0 && cr.total() != total)) {
          throw fatal(Urls.redact(at) + " changed or stopped serving ranges during the download (asked for bytes "
              + cursor.pos + "-" + (end - 1) + ", got HTTP " + r.code()
              + (r.header("Content-Range") != null ? " " + r.header("Content-Range") : "") + ")", true, null);
        }
        copy(r.body().source(), channel, cursor, end, at);
        if (cursor.pos < end) {
          throw new EOFException("the body ended at byte " + cursor.pos + " of " + end);
        }
        return;
      } catch (IOException e) {
        pause(attempts.failed(bodyFailure(e, at, cursor.pos - first), cursor.pos - before >= MIN_PROGRESS));
      } finally {
        close(opened);
      }
    }
  }

  /** Streams {@code source} into {@code channel} at the cursor, never past {@code limit}. */
  private void copy(BufferedSource source, FileChannel channel, Cursor cursor, long limit, HttpUrl at) throws IOException {
    ByteBuffer buffer = BUFFERS.get();
    buffer.clear();
    try {
      while (source.read(buffer) >= 0) {
        if (!buffer.hasRemaining()) {
          flush(buffer, channel, cursor, limit, at);
        }
      }
    } catch (IOException e) {
      flush(buffer, channel, cursor, limit, at); // what arrived is good: keep it for the resume
      throw e;
    }
    flush(buffer, channel, cursor, limit, at);
  }

  private void flush(ByteBuffer buffer, FileChannel channel, Cursor cursor, long limit, HttpUrl at) throws IOException {
    buffer.flip();
    if (cursor.pos + buffer.remaining() > limit) {
      buffer.clear();
      if (limit == settings.maxSize()) {
        throw tooLarge("the download from " + Urls.redact(at) + " went past the " + Urls.size(settings.maxSize()) + " limit");
      }
      throw new java.net.ProtocolException("the server sent more bytes than it announced");
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

  private static void truncate(FileChannel channel) {
    try {
      channel.truncate(0);
    } catch (IOException e) {
      throw new WriteFailed(e);
    }
  }

  private Opened openRetrying(HttpUrl url, long first, long last, String validator, Attempts attempts) {
    while (true) {
      try {
        return open(url, first, last, validator);
      } catch (TransferException e) {
        pause(attempts.failed(e, false));
      }
    }
  }

  /** Sends one GET, following and checking redirects; answers 200, 206 and 416, throws for the rest. */
  private Opened open(HttpUrl url, long first, long last, String validator) throws TransferException {
    HttpUrl current = checked(url, null);
    int redirects = 0;
    while (true) {
      Request.Builder b = new Request.Builder().url(current)
          .header("User-Agent", settings.userAgent())
          .header("Accept-Encoding", "identity");
      // bytes=0- on the first request too: a 206 tells at once that ranges work and how big the input is.
      b.header("Range", "bytes=" + first + "-" + (last >= 0 ? Long.toString(last) : ""));
      if (validator != null) {
        b.header("If-Range", validator);
      }
      Call call = client.newCall(b.build());
      Response r = execute(call, current);
      int code = r.code();
      if (code == 200 || code == 206 || code == 416) {
        return new Opened(call, r, current);
      }
      String location = r.header("Location");
      String retryAfter = r.header("Retry-After");
      r.close();
      calls.remove(call);
      if (code == 301 || code == 302 || code == 303 || code == 307 || code == 308) {
        if (location == null) {
          throw fatal("HTTP " + code + " from " + Urls.redact(current) + " has no Location", false, null);
        }
        if (++redirects > settings.maxRedirects()) {
          throw fatal("more than " + settings.maxRedirects() + " redirects from " + Urls.redact(url), false, null);
        }
        HttpUrl next = current.resolve(location);
        if (next == null) {
          throw fatal("redirect from " + Urls.redact(current) + " to a URL that is not http(s)", false, null);
        }
        current = checked(next, current);
        continue;
      }
      if (code == 408 || code == 429 || code >= 500) {
        throw new TransferException("HTTP " + code + " from " + Urls.redact(current), retryAfterNanos(retryAfter), null);
      }
      throw fatal("HTTP " + code + " from " + Urls.redact(current), false, null);
    }
  }

  /** Checks the host of {@code url} (a redirect target when {@code from} is set) and pins a numeric host to its canonical form. */
  private HttpUrl checked(HttpUrl url, HttpUrl from) {
    HostPolicy.HostCheck check = settings.policy().check(url.host());
    if (check.refusal() != null) {
      String where = from == null ? Urls.redact(url) : "redirect from " + Urls.redact(from) + " to " + Urls.redact(url);
      throw fatal(where + " " + check.refusal(), false, null);
    }
    if (check.address() != null && !check.host().equals(url.host())) {
      // Java would read some spellings differently (0177.0.0.1 as 177.0.0.1): connect where we checked.
      return url.newBuilder().host(check.host()).build();
    }
    return url;
  }

  private Response execute(Call call, HttpUrl url) throws TransferException {
    calls.add(call);
    if (abort != null) {
      call.cancel();
    }
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      calls.remove(call);
      throw timedOut(url, null);
    }
    call.timeout().timeout(remaining, TimeUnit.NANOSECONDS);
    try {
      return call.execute();
    } catch (IOException e) {
      calls.remove(call);
      throw requestFailure(e, url);
    }
  }

  private TransferException requestFailure(IOException e, HttpUrl url) {
    checkAborted();
    if (pastDeadline()) {
      throw timedOut(url, e);
    }
    RefusedAddressException refused = refusedIn(e);
    if (refused != null) {
      throw fatal(Urls.redact(url) + " resolves to " + refused.address() + ", " + refused.reason()
          + ", which inputs may not use", false, e);
    }
    if (e instanceof SSLException) {
      throw fatal("TLS with " + url.host() + " failed: " + e.getMessage(), false, e);
    }
    if (e instanceof UnknownHostException) {
      return new TransferException("cannot resolve host '" + url.host() + "'", e);
    }
    if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
      return new TransferException("cannot connect to " + Urls.redact(url) + ": " + e.getMessage(), e);
    }
    if (e instanceof SocketTimeoutException) {
      String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
      return m.contains("connect")
          ? new TransferException("cannot connect to " + Urls.redact(url) + " within the "
              + Urls.duration(settings.connectTimeout()) + " connect timeout", e)
          : new TransferException("no response from " + Urls.redact(url) + " within the "
              + Urls.duration(settings.readTimeout()) + " read timeout", e);
    }
    return new TransferException("request to " + Urls.redact(url) + " failed: " + e, e);
  }

  private TransferException bodyFailure(IOException e, HttpUrl url, long received) {
    checkAborted();
    if (pastDeadline()) {
      throw timedOut(url, e);
    }
    if (e instanceof SocketTimeoutException) {
      return new TransferException("no data from " + Urls.redact(url) + " for " + Urls.duration(settings.readTimeout())
          + " (read timeout) after " + Urls.size(received), e);
    }
    return new TransferException("the download from " + Urls.redact(url) + " broke after " + Urls.size(received)
        + ": " + e.getMessage(), e);
  }

  private static RefusedAddressException refusedIn(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RefusedAddressException r) {
        return r;
      }
      for (Throwable s : t.getSuppressed()) {
        RefusedAddressException r = refusedIn(s);
        if (r != null) {
          return r;
        }
      }
    }
    return null;
  }

  private boolean pastDeadline() {
    return System.nanoTime() - deadline >= -DEADLINE_SLACK_NANOS;
  }

  /** Waits before a retry; gives up when the wait would pass the deadline. */
  private void pause(long nanos) {
    if (System.nanoTime() + nanos - deadline >= 0) {
      throw fatal("the download of " + Urls.redact(request.source()) + " could not finish within the "
          + Urls.duration(settings.downloadTimeout()) + " limit", true, null);
    }
    try {
      if (aborted.await(nanos, TimeUnit.NANOSECONDS)) {
        checkAborted();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort(Abort.STOPPED);
      checkAborted();
    }
  }

  private void abort(Abort why) {
    synchronized (this) {
      if (abort != null) {
        return;
      }
      abort = why;
    }
    aborted.countDown();
    cancelCalls();
  }

  private void cancelCalls() {
    for (Call c : calls) {
      c.cancel();
    }
  }

  private void checkAborted() {
    Abort a = abort;
    if (a == Abort.STOPPED) {
      throw stopped();
    }
    if (a == Abort.FAILED) {
      throw new SiblingFailed();
    }
  }

  private TaskFailureException stopped() {
    StopReason why = request.context().stopReason();
    return new TaskFailureException(ErrorKind.INPUT, "input '" + name + "': download stopped"
        + (why != null ? " (" + why.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")" : ""), true);
  }

  private TaskFailureException timedOut(HttpUrl url, Throwable cause) {
    return fatal("the download from " + Urls.redact(url) + " took longer than the "
        + Urls.duration(settings.downloadTimeout()) + " limit", true, cause);
  }

  private TaskFailureException tooLarge(String what) {
    return fatal(what, false, null);
  }

  private TaskFailureException fatal(String what, boolean retryable, Throwable cause) {
    return new TaskFailureException(ErrorKind.INPUT, "input '" + name + "': " + what, retryable, null, cause);
  }

  private String taskId() {
    return request.context().task().id().value();
  }

  /** A strong validator for If-Range: a strong ETag, else Last-Modified; {@code null} when there is none. */
  private static String validator(Response r) {
    String etag = r.header("ETag");
    if (etag != null && !etag.startsWith("W/")) {
      return etag;
    }
    return r.header("Last-Modified");
  }

  private static long retryAfterNanos(String header) {
    if (header == null) {
      return -1;
    }
    String h = header.trim();
    try {
      return TimeUnit.SECONDS.toNanos(Math.max(0, Long.parseLong(h)));
    } catch (NumberFormatException e) {
      try {
        Instant when = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return Math.max(0, Duration.between(Instant.now(), when).toNanos());
      } catch (DateTimeParseException e2) {
        return -1;
      }
    }
  }

  /** The tries of one stream: failures without progress use up attempts; the wait grows between them. */
  private final class Attempts {
    private int failures;
    private int resumes;
    private int tries = 1;

    /** Counts {@code e}; throws the task's failure when no try is left, else returns the wait before the next. */
    long failed(TransferException e, boolean progressed) {
      if (progressed) {
        failures = 0;
        resumes++;
      } else {
        failures++;
      }
      if (failures >= settings.maxAttempts() || resumes > MAX_RESUMES) {
        throw fatal(e.getMessage() + (tries > 1 ? " (after " + tries + " attempts)" : ""), true, e);
      }
      tries++;
      long wait;
      if (e.retryAfterNanos() >= 0) {
        if (e.retryAfterNanos() > settings.maxRetryAfter().toNanos()) {
          throw fatal(e.getMessage() + " asks to retry after " + Urls.duration(Duration.ofNanos(e.retryAfterNanos()))
              + ", longer than the " + Urls.duration(settings.maxRetryAfter()) + " a fetch waits", true, e);
        }
        wait = e.retryAfterNanos();
      } else if (progressed) {
        wait = settings.initialBackoff().toNanos();
      } else {
        long base = settings.initialBackoff().toNanos() << Math.min(20, failures - 1);
        wait = Math.min(settings.maxBackoff().toNanos(), base);
        wait = wait - ThreadLocalRandom.current().nextLong(wait / 5 + 1); // jitter, so that streams do not retry in step
      }
      log.info("task {}: input '{}': {}; trying again in {}", taskId(), name, e.getMessage(),
          Urls.duration(Duration.ofNanos(wait)));
      return wait;
    }
  }

  /** A response being read, with its call, so that stopping can cancel it. */
  private record Opened(Call call, Response response, HttpUrl url) {}

  private void close(Opened o) {
    o.response().close();
    calls.remove(o.call());
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

  /** Unwinds a range stream after another one failed; the first failure is the one reported. */
  private static final class SiblingFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SiblingFailed() {
      super(null, null, false, false);
    }
  }
}
