package io.ffmpegqueue.examples.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.ffmpegqueue.TaskJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /health}: 200 when every check answers within its time ({@code "ok"}, or {@code "degraded"}
 * when one says its part works but not as it should), else 503 ({@code "unavailable"}). Results are kept for a few
 * seconds, so probing often (or on purpose) never starts more than one ffmpeg or query per check at a
 * time. Failures are logged; the unauthenticated answer says only which check failed.
 */
final class HealthEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthEndpoint.class);
  private static final long CHECK_TIMEOUT_MILLIS = 5_000;
  private static final long CACHE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final List<HealthCheck> checks;
  private final ExecutorService executor;
  private Map<String, Result> cached = Map.of();
  private long cachedAt;
  private boolean fresh;

  private record Result(String status, String detail) {
    static final String OK = "ok";
    static final String DEGRADED = "degraded";
    static final String UNAVAILABLE = "unavailable";
  }

  HealthEndpoint(List<HealthCheck> checks) {
    this.checks = List.copyOf(checks);
    // Room for a few checks that hang past their time; beyond that a check is refused, never run on
    // the request's thread.
    this.executor = new ThreadPoolExecutor(0, Math.max(1, checks.size()) * 4, 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "ffq-health");
          t.setDaemon(true);
          return t;
        });
  }

  void handle(HttpExchange ex) throws IOException {
    Map<String, Result> results = results();
    boolean ready = results.values().stream().noneMatch(r -> r.status().equals(Result.UNAVAILABLE));
    boolean ok = results.values().stream().allMatch(r -> r.status().equals(Result.OK));
    ObjectNode n = TaskJson.mapper().createObjectNode();
    n.put("status", !ready ? Result.UNAVAILABLE : ok ? Result.OK : Result.DEGRADED);
    ObjectNode c = n.putObject("checks");
    results.forEach((name, r) -> {
      ObjectNode o = c.putObject(name);
      o.put("status", r.status());
      o.put("detail", r.detail());
    });
    HttpIo.sendJson(ex, ready ? 200 : 503, n);
  }

  private synchronized Map<String, Result> results() {
    long now = System.nanoTime();
    if (fresh && now - cachedAt < CACHE_NANOS) {
      return cached;
    }
    List<Future<String>> futures = new ArrayList<>();
    for (HealthCheck check : checks) {
      try {
        futures.add(executor.submit(check::check));
      } catch (RejectedExecutionException e) {
        futures.add(CompletableFuture.failedFuture(new IllegalStateException("earlier checks still hang")));
      }
    }
    Map<String, Result> out = new LinkedHashMap<>();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CHECK_TIMEOUT_MILLIS);
    for (int i = 0; i < checks.size(); i++) {
      String name = checks.get(i).name();
      Future<String> f = futures.get(i);
      try {
        out.put(name, new Result(Result.OK, f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)));
      } catch (TimeoutException e) {
        f.cancel(true);
        log.warn("health check '{}' did not answer within {} ms", name, CHECK_TIMEOUT_MILLIS);
        out.put(name, new Result(Result.UNAVAILABLE, "no answer within " + CHECK_TIMEOUT_MILLIS + " ms"));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        out.put(name, new Result(Result.UNAVAILABLE, "interrupted"));
      } catch (Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        if (cause instanceof HealthCheck.Degraded d) {
          out.put(name, new Result(Result.DEGRADED, d.getMessage()));
        } else if (cause instanceof HealthCheck.Unavailable u) {
          log.warn("health check '{}': {}", name, u.getCause() != null ? u.getCause().toString() : u.getMessage());
          out.put(name, new Result(Result.UNAVAILABLE, u.getMessage()));
        } else {
          log.warn("health check '{}' failed: {}", name, cause.toString());
          out.put(name, new Result(Result.UNAVAILABLE, "failed; see the server log"));
        }
      }
    }
    cached = out;
    cachedAt = System.nanoTime();
    fresh = true;
    return out;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
