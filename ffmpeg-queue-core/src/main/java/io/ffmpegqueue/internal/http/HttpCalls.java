package io.ffmpegqueue.internal.http;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.io.FetchRequest;
import io.ffmpegqueue.spi.StopReason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of one fetch: GET requests with their redirects checked hop by hop, failures told apart
 * (for good, or worth another try) and phrased for the task's error, retries with backoff and
 * {@code Retry-After}, the whole-download deadline, and the stop switch that cancels every call of the
 * fetch at once. {@link HttpDownload} drives it and writes the file.
 */
final class HttpCalls {
  private static final Logger log = LoggerFactory.getLogger(HttpCalls.class);
  // Failures after progress do not use up attempts (the transfer resumes), but are bounded all the same.
  private static final int MAX_RESUMES = 50;
  // A call timeout fires at the deadline; allow for the clock's grain when telling it from other errors.
  private static final long DEADLINE_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /** Why the fetch was aborted. */
  enum Abort { STOPPED, FAILED }

  private final HttpSettings settings;
  private final OkHttpClient client;
  private final FetchRequest request;
  private final String name;
  private final long deadline;
  private final Set<Call> calls = ConcurrentHashMap.newKeySet();
  private final CountDownLatch aborted = new CountDownLatch(1);
  private volatile Abort abort;

  /** Calls over {@code base} with a resolver and socket factory that check every address against the policy. */
  HttpCalls(HttpSettings settings, OkHttpClient base, FetchRequest request) {
    GuardedDns dns = new GuardedDns(settings.policy(), settings.dns());
    this.settings = settings;
    this.client = base.newBuilder().dns(dns)
        .socketFactory(GuardedSocketFactory.forDownloads(settings.policy(), dns, settings.readTimeout()))
        .readTimeout(Duration.ZERO) // kept by the socket instead: see GuardedSocketFactory.forDownloads
        .build();
    this.request = request;
    this.name = request.name();
    this.deadline = System.nanoTime() + settings.downloadTimeout().toNanos();
  }

  /** Whether the fetch was aborted, and why; {@code null} while it goes on. */
  Abort aborted() {
    return abort;
  }

  /** A new count of tries, for one stream. */
  Attempts attempts() {
    return new Attempts();
  }

  /** {@link #open}, trying again after failures that may pass. */
  Opened openRetrying(HttpUrl url, long first, long last, String validator, Attempts attempts) {
    while (true) {
      try {
        return open(url, first, last, validator);
      } catch (TransferException e) {
        pause(attempts.failed(e, false));
      }
    }
  }

  /** Sends one GET, following and checking redirects; answers 200, 206 and 416, throws for the rest. */
  Opened open(HttpUrl url, long first, long last, String validator) throws TransferException {
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
        if (settings.maxRedirects() == 0) {
          throw fatal("HTTP " + code + " from " + Urls.redact(current) + " is a redirect, which this fetch does not follow",
              false, null);
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

  /**
   * Checks the host of {@code url} (a redirect target when {@code from} is set) and pins a numeric host to its
   * canonical form; a trusted origin passes as it is, and is never left by a redirect.
   */
  private HttpUrl checked(HttpUrl url, HttpUrl from) {
    HostPolicy policy = settings.policy();
    if (from != null && policy.trusts(from) && !policy.trusts(url)) {
      throw fatal("redirect from " + Urls.redact(from) + " to " + Urls.redact(url)
          + ": a fetch from a trusted origin follows no redirect away from it", false, null);
    }
    if (policy.trusts(url)) {
      return url;
    }
    HostPolicy.HostCheck check = policy.check(url.host());
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

  /** Runs the call under the fetch's deadline, registered so that a stop cancels it. */
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
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause(); // OkHttp's "Failed to connect to /ip:port" wraps the reason ("Connection refused")
      }
      return new TransferException("cannot connect to " + Urls.redact(url) + ": " + root.getMessage(), e);
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

  /** What a broken body means, phrased; throws instead when the fetch was stopped or ran out of time. */
  TransferException bodyFailure(IOException e, HttpUrl url, long received) {
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
  void pause(long nanos) {
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

  /** Aborts the fetch: cancels every call now and later; the first reason wins. */
  void abort(Abort why) {
    synchronized (this) {
      if (abort != null) {
        return;
      }
      abort = why;
    }
    aborted.countDown();
    cancelCalls();
  }

  /** Cancels the calls in flight. */
  void cancelCalls() {
    for (Call c : calls) {
      c.cancel();
    }
  }

  /** Throws when the fetch was aborted: the stop failure, or {@link SiblingFailed} to unwind a range stream. */
  void checkAborted() {
    Abort a = abort;
    if (a == Abort.STOPPED) {
      throw stopped();
    }
    if (a == Abort.FAILED) {
      throw new SiblingFailed();
    }
  }

  /** The failure of a stopped fetch (the queue drops it: the stop decides the task's fate). */
  TaskFailureException stopped() {
    StopReason why = request.context().stopReason();
    return new TaskFailureException(ErrorKind.INPUT, "input '" + name + "': download stopped"
        + (why != null ? " (" + why.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")" : ""), true);
  }

  private TaskFailureException timedOut(HttpUrl url, Throwable cause) {
    return fatal("the download from " + Urls.redact(url) + " took longer than the "
        + Urls.duration(settings.downloadTimeout()) + " limit", true, cause);
  }

  /** The task's failure: {@code input 'name': what}. */
  TaskFailureException fatal(String what, boolean retryable, Throwable cause) {
    return new TaskFailureException(ErrorKind.INPUT, "input '" + name + "': " + what, retryable, null, cause);
  }

  /** The task's id, for log lines. */
  String taskId() {
    return request.context().task().id().value();
  }

  /** A strong validator for If-Range: a strong ETag, else Last-Modified; {@code null} when there is none. */
  static String validator(Response r) {
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
  final class Attempts {
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

  /**
   * A response being read, with its call, so that stopping can cancel it.
   *
   * @param call the call
   * @param response its response, body unread
   * @param url the URL that answered, after redirects
   */
  record Opened(Call call, Response response, HttpUrl url) {}

  /** Closes the response and forgets its call. */
  void close(Opened o) {
    o.response().close();
    calls.remove(o.call());
  }

  /** Unwinds a range stream after another one failed; the first failure is the one reported. */
  static final class SiblingFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SiblingFailed() {
      super(null, null, false, false);
    }
  }
}
