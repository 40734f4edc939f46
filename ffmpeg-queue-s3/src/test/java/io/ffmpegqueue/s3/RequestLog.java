package io.ffmpegqueue.s3;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Counts the S3 operations a client runs and how many run at once; an optional hook sees each request
 * as it starts, on the thread that issued it.
 */
final class RequestLog implements ExecutionInterceptor {
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile Consumer<SdkRequest> hook = r -> {};
  private volatile BiPredicate<SdkRequest, Integer> failAttempt = (r, n) -> false;
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final List<SdkHttpRequest> sent = new CopyOnWriteArrayList<>();

  void onRequest(Consumer<SdkRequest> h) {
    this.hook = h;
  }

  /**
   * Makes the server's answer to an attempt look like a 500 when {@code fail} says so for the request
   * and its attempt number (1-based).
   */
  void failAttempts(BiPredicate<SdkRequest, Integer> fail) {
    this.failAttempt = fail;
  }

  /** How many HTTP attempts requests of {@code key} (see {@link #key}) made. */
  int attempts(String key) {
    AtomicInteger c = attempts.get(key);
    return c == null ? 0 : c.get();
  }

  /** The HTTP requests sent, as signed. */
  List<SdkHttpRequest> sent() {
    return sent;
  }

  /** An operation name, with the part number for an upload part ("UploadPart#2"). */
  static String key(SdkRequest r) {
    String op = r.getClass().getSimpleName().replace("Request", "");
    if (r instanceof software.amazon.awssdk.services.s3.model.UploadPartRequest p) {
      return op + "#" + p.partNumber();
    }
    return op;
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    attempts.computeIfAbsent(key(context.request()), k -> new AtomicInteger()).incrementAndGet();
    sent.add(context.httpRequest());
  }

  @Override
  public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    if (failAttempt.test(context.request(), attempts(key(context.request())))) {
      return context.httpResponse().toBuilder().statusCode(500).statusText("Injected").build();
    }
    return context.httpResponse();
  }

  int count(String operation) {
    AtomicInteger c = counts.get(operation);
    return c == null ? 0 : c.get();
  }

  int maxInFlight() {
    return maxInFlight.get();
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String op = context.request().getClass().getSimpleName().replace("Request", "");
    counts.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    hook.accept(context.request());
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    inFlight.decrementAndGet();
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    inFlight.decrementAndGet();
  }
}
