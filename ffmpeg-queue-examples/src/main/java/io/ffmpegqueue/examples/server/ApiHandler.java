package io.ffmpegqueue.examples.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes every request to its endpoint after the token check, and turns every failure into a JSON
 * answer: {@link ApiException}s as they say, anything else as a 500 whose detail is only a reference to
 * the log line with the stack trace.
 */
final class ApiHandler implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

  private final TaskEndpoints tasks;
  private final EventStreams streams;
  private final HealthEndpoint health;
  private final BearerAuth auth;
  private final Supplier<String> metrics;
  private AdminEndpoints admin;
  private BatchRegistration batch;
  private Dashboard dashboard;

  ApiHandler(TaskEndpoints tasks, EventStreams streams, HealthEndpoint health, BearerAuth auth,
      Supplier<String> metrics) {
    this.metrics = metrics;
    this.tasks = tasks;
    this.streams = streams;
    this.health = health;
    this.auth = auth;
  }

  /** Adds the management endpoints ({@code null}: the backend has none), batch registration and the dashboard. */
  ApiHandler withManagement(AdminEndpoints admin, BatchRegistration batch, Dashboard dashboard) {
    this.admin = admin;
    this.batch = batch;
    this.dashboard = dashboard;
    return this;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    boolean handedOver = false;
    try {
      handedOver = route(ex);
    } catch (ApiException e) {
      sendQuietly(ex, e);
    } catch (RuntimeException e) {
      String ref = UUID.randomUUID().toString().substring(0, 8);
      log.error("request {} {} failed unexpectedly [ref {}]", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), ref, e);
      sendQuietly(ex, new ApiException(500, "internal_error",
          "the server failed to answer; the log has the details under ref " + ref));
    } finally {
      if (!handedOver) {
        ex.close();
      }
    }
  }

  /** Answers the request; true when an event stream took the exchange over. */
  private boolean route(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    if (path.equals("/health")) {
      allow(method, path, "GET");
      health.handle(ex);
      return false;
    }
    // The tenant of a tenant-bound token, passed on by hand: the JDK server's exchange attributes are
    // shared by every exchange of a context.
    String tenant = null;
    String authorization = ex.getRequestHeaders().getFirst("Authorization");
    String cookie = authorization == null && auth != null ? Dashboard.cookieToken(ex) : null;
    if (cookie != null) {
      authorization = "Bearer " + cookie; // the dashboard's
    }
    if (dashboard != null && Dashboard.isDashboardPath(path)) {
      dashboard.handle(ex, method, path, auth == null || BearerAuth.NO_TENANT.equals(auth.check(authorization)));
      return false;
    }
    if (cookie != null && !method.equals("GET")) {
      Dashboard.requireSameOrigin(ex);
    }
    if (auth != null) {
      tenant = auth.check(authorization);
      if (tenant == null) {
        throw new ApiException(401, "unauthorized", "missing or wrong bearer token: send 'Authorization: Bearer <API_TOKEN>'",
            null, Map.of("WWW-Authenticate", "Bearer realm=\"ffmpeg-queue\""));
      }
      if (tenant.isEmpty()) {
        tenant = null;
      }
    }
    if (path.equals("/metrics") && metrics != null) {
      allow(method, path, "GET");
      HttpIo.send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
          metrics.get().getBytes(StandardCharsets.UTF_8));
      return false;
    }
    String[] seg = path.split("/", -1); // "/ffmpeg/status/x" -> ["", "ffmpeg", "status", "x"]
    if (seg.length < 3 || !seg[0].isEmpty() || !seg[1].equals("ffmpeg")) {
      throw notFound(method, path);
    }
    if (AdminEndpoints.route(admin, ex, method, seg, tenant)) {
      return false;
    }
    switch (seg[2]) {
      case "register" -> {
        if (seg.length == 4 && seg[3].equals("batch") && batch != null) {
          allow(method, path, "POST");
          batch.register(ex, tenant);
          return false;
        }
        if (seg.length == 3) {
          allow(method, path, "POST");
          tasks.register(ex, tenant);
          return false;
        }
      }
      case "status" -> {
        if (seg.length == 4 && !seg[3].isEmpty()) {
          allow(method, path, "GET");
          tasks.status(ex, seg[3]);
          return false;
        }
      }
      case "queue" -> {
        if (seg.length == 4 && seg[3].equals("size")) {
          allow(method, path, "GET");
          tasks.queueSize(ex);
          return false;
        }
      }
      case "tasks" -> {
        return routeTasks(ex, method, path, seg);
      }
      default -> {
        // not found, below
      }
    }
    throw notFound(method, path);
  }

  private boolean routeTasks(HttpExchange ex, String method, String path, String[] seg) throws IOException {
    if (seg.length == 3) {
      allow(method, path, "GET");
      tasks.list(ex);
      return false;
    }
    if (seg[3].isEmpty()) {
      throw notFound(method, path);
    }
    if (seg.length == 4) {
      allow(method, path, "GET, DELETE");
      if (method.equals("DELETE")) {
        tasks.cancel(ex, seg[3]);
      } else {
        tasks.status(ex, seg[3]);
      }
      return false;
    }
    if (seg.length == 5 && seg[4].equals("outputs")) {
      allow(method, path, "GET");
      tasks.outputs(ex, seg[3]);
      return false;
    }
    if (seg.length == 5 && seg[4].equals("events")) {
      allow(method, path, "GET");
      return streams.start(ex, seg[3]);
    }
    throw notFound(method, path);
  }

  static void allow(String method, String path, String allowed) {
    for (String m : allowed.split(", ")) {
      if (m.equals(method)) {
        return;
      }
    }
    throw new ApiException(405, "method_not_allowed", printable(method) + " " + printable(path) + ": allowed " + allowed,
        null, Map.of("Allow", allowed));
  }

  private static ApiException notFound(String method, String path) {
    return ApiException.notFound("no endpoint " + printable(method) + " " + printable(path));
  }

  private static String printable(String s) {
    String p = s.length() > 100 ? s.substring(0, 100) + "..." : s;
    return p.replaceAll("\\p{Cntrl}", "?");
  }

  private static void sendQuietly(HttpExchange ex, ApiException e) {
    if (ex.getResponseCode() != -1) {
      return; // the answer had started; nothing more can be said
    }
    try {
      HttpIo.sendError(ex, e);
    } catch (IOException | RuntimeException io) {
      log.debug("could not send the error answer: {}", io.toString());
    }
  }
}
