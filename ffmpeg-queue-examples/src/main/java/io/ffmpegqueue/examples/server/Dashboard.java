package io.ffmpegqueue.examples.server;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The dashboard at {@code /dashboard}: static pages and their script and style, all from this jar (no request
 * leaves the service's origin, which the Content-Security-Policy also enforces), and with {@code API_TOKEN} set,
 * a login page that keeps the token in an HttpOnly, SameSite=Strict cookie (never in a URL) that the API then
 * accepts in place of the {@code Authorization} header. {@code /} redirects here.
 */
final class Dashboard {
  static final String COOKIE = "ffq_token";
  private static final String ROOT = "/io/ffmpegqueue/examples/dashboard/";
  private static final Map<String, String> PAGES = Map.of(
      "/dashboard/", "overview.html", "/dashboard/tasks", "tasks.html", "/dashboard/workers", "workers.html");
  private static final Map<String, String> ASSETS = Map.of(
      "/dashboard/assets/app.css", "text/css; charset=utf-8", "/dashboard/assets/app.js", "text/javascript; charset=utf-8");
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
      + " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

  private final Predicate<String> tokenOk;

  /** {@code tokenOk} says whether a token may log in, or is {@code null} when the API needs none. */
  Dashboard(Predicate<String> tokenOk) {
    this.tokenOk = tokenOk;
  }

  static boolean isDashboardPath(String path) {
    return path.equals("/") || path.equals("/dashboard") || path.startsWith("/dashboard/");
  }

  /** The token in the dashboard's cookie, or {@code null}. */
  static String cookieToken(HttpExchange ex) {
    for (String header : ex.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
      for (String part : header.split(";")) {
        String p = part.strip();
        if (p.startsWith(COOKIE + "=")) {
          try {
            return URLDecoder.decode(p.substring(COOKIE.length() + 1), StandardCharsets.UTF_8);
          } catch (IllegalArgumentException e) {
            return null;
          }
        }
      }
    }
    return null;
  }

  /**
   * Refuses a state-changing request authorised by the cookie that comes from another origin (SameSite=Strict
   * already keeps the cookie off cross-site requests; this also covers same-site, cross-origin ones).
   */
  static void requireSameOrigin(HttpExchange ex) {
    String origin = ex.getRequestHeaders().getFirst("Origin");
    String host = ex.getRequestHeaders().getFirst("Host");
    if (origin != null && (host == null || !host.equalsIgnoreCase(authority(origin)))) {
      throw new ApiException(403, "forbidden", "a request from another origin may not use the dashboard's cookie");
    }
  }

  private static String authority(String origin) {
    try {
      return URI.create(origin).getRawAuthority(); // null for the opaque origin "null"
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Answers a dashboard request; {@code authorized} when it carries an accepted token (or none is needed). */
  void handle(HttpExchange ex, String method, String path, boolean authorized) throws IOException {
    if (path.equals("/") || path.equals("/dashboard")) {
      redirect(ex, "/dashboard/");
      return;
    }
    if (ASSETS.containsKey(path)) {
      ApiHandler.allow(method, path, "GET");
      send(ex, 200, ASSETS.get(path), path.substring(path.lastIndexOf('/') + 1));
      return;
    }
    if (path.equals("/dashboard/login")) {
      login(ex, method);
      return;
    }
    if (path.equals("/dashboard/logout")) {
      ApiHandler.allow(method, path, "POST");
      requireSameOrigin(ex);
      ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
      redirect(ex, "/dashboard/login");
      return;
    }
    String page = PAGES.get(path);
    if (page == null && path.startsWith("/dashboard/tasks/") && path.indexOf('/', 17) < 0 && path.length() > 17) {
      page = "task.html";
    }
    if (page == null) {
      throw ApiException.notFound("no dashboard page " + path.replaceAll("\\p{Cntrl}", "?"));
    }
    ApiHandler.allow(method, path, "GET");
    if (!authorized) {
      redirect(ex, "/dashboard/login");
      return;
    }
    send(ex, 200, "text/html; charset=utf-8", page);
  }

  private void login(HttpExchange ex, String method) throws IOException {
    ApiHandler.allow(method, "/dashboard/login", "GET, POST");
    if (tokenOk == null) {
      redirect(ex, "/dashboard/");
      return;
    }
    if (method.equals("GET")) {
      send(ex, 200, "text/html; charset=utf-8", "login.html");
      return;
    }
    requireSameOrigin(ex);
    String form = new String(HttpIo.readBody(ex, 8192), StandardCharsets.UTF_8);
    String token = AdminEndpoints.params(form).get("token");
    if (token == null || token.isBlank() || !tokenOk.test(token.strip())) {
      String html = resource("login.html").replace("<p id=\"login-error\" hidden></p>",
          "<p id=\"login-error\" role=\"alert\">Wrong token: try again.</p>");
      send(ex, 401, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
      return;
    }
    boolean https = "https".equalsIgnoreCase(ex.getRequestHeaders().getFirst("X-Forwarded-Proto"));
    ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + URLEncoder.encode(token.strip(), StandardCharsets.UTF_8)
        + "; Path=/; HttpOnly; SameSite=Strict" + (https ? "; Secure" : ""));
    redirect(ex, "/dashboard/");
  }

  private static void redirect(HttpExchange ex, String to) throws IOException {
    ex.getResponseHeaders().set("Location", to);
    HttpIo.send(ex, 303, "text/plain; charset=utf-8", new byte[0]);
  }

  private static void send(HttpExchange ex, int status, String type, String file) throws IOException {
    send(ex, status, type, resource(file).getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    Headers h = ex.getResponseHeaders();
    h.set("Content-Security-Policy", CSP);
    h.set("X-Content-Type-Options", "nosniff");
    // same-origin, not no-referrer: with no-referrer the browser sends "Origin: null" on the pages' own POSTs.
    h.set("Referrer-Policy", "same-origin");
    h.set("X-Frame-Options", "DENY");
    HttpIo.send(ex, status, type, body);
  }

  private static String resource(String name) {
    try (InputStream in = Dashboard.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException("the dashboard file " + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
