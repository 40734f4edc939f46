package io.ffmpegqueue.s3;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkRequest;
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

  void onRequest(Consumer<SdkRequest> h) {
    this.hook = h;
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
