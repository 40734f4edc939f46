package io.ffmpegqueue.examples.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.ffmpegqueue.TaskJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/** A small HTTP/1.1 client on the service under test, on loopback. */
public final class Http {
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private final String base;
  private final String token;

  /** A client of {@code http://127.0.0.1:port}, sending {@code token} as bearer when not null. */
  public Http(int port, String token) {
    this.base = "http://127.0.0.1:" + port;
    this.token = token;
  }

  /** An answer. */
  public record Response(int status, HttpHeaders headers, String body) {
    /** The body as JSON. */
    public JsonNode json() {
      try {
        return TaskJson.mapper().readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }

    /** A header's first value, or null. */
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  /** {@code POST path} with a JSON body and extra header name/value pairs. */
  public Response post(String path, String json, String... headers) {
    HttpRequest.Builder b = request(path, headers).POST(HttpRequest.BodyPublishers.ofString(json));
    if (!hasHeader(headers, "Content-Type")) {
      b.header("Content-Type", "application/json");
    }
    return send(b.build());
  }

  /** {@code GET path}. */
  public Response get(String path, String... headers) {
    return send(request(path, headers).GET().build());
  }

  /** {@code DELETE path}. */
  public Response delete(String path, String... headers) {
    return send(request(path, headers).DELETE().build());
  }

  /** Any method with an optional body. */
  public Response method(String method, String path, String body, String... headers) {
    return send(request(path, headers).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body)).build());
  }

  /** The underlying client, for streaming. */
  public HttpClient client() {
    return client;
  }

  /** A request builder for {@code path} with the token and the given header pairs. */
  public HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null && !hasHeader(headers, "Authorization")) {
      b.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }

  /**
   * Reads an event stream ({@code GET /ffmpeg/tasks/{id}/events}, opened with {@link #client()} and
   * {@code BodyHandlers.ofLines()}) to its end, handing each event's name and JSON data to {@code each} as it
   * arrives.
   */
  public static void readEvents(HttpResponse<Stream<String>> stream, BiConsumer<String, JsonNode> each) {
    try (Stream<String> lines = stream.body()) {
      Iterator<String> it = lines.iterator();
      String event = null;
      while (it.hasNext()) {
        String line = it.next();
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          each.accept(event, TaskJson.mapper().readTree(line.substring(6)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Response send(HttpRequest r) {
    try {
      HttpResponse<String> resp = client.send(r, HttpResponse.BodyHandlers.ofString());
      return new Response(resp.statusCode(), resp.headers(), resp.body());
    } catch (IOException e) {
      throw new UncheckedIOException(r.method() + " " + r.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static boolean hasHeader(String[] headers, String name) {
    for (int i = 0; i < headers.length; i += 2) {
      if (headers[i].equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }
}
