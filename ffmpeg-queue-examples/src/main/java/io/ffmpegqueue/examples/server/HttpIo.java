package io.ffmpegqueue.examples.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.ffmpegqueue.TaskJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Map;

/** Reading bounded request bodies and writing JSON answers. */
final class HttpIo {
  private HttpIo() {}

  /**
   * The request body, at most {@code limit} bytes. A declared length over the limit is refused before a
   * byte is read; a chunked body is read only up to one byte past the limit.
   */
  static byte[] readBody(HttpExchange ex, int limit) throws IOException {
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    InputStream in = ex.getRequestBody();
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.strip());
      } catch (NumberFormatException e) {
        throw new ApiException(400, "invalid_request", "Content-Length: '" + declared + "' is not a number");
      }
      if (length < 0) {
        throw new ApiException(400, "invalid_request", "Content-Length: must not be negative");
      }
      if (length > limit) {
        throw tooLarge(limit);
      }
      // The usual case: read exactly the declared bytes into one array.
      byte[] body = new byte[(int) length];
      int read = in.readNBytes(body, 0, body.length);
      if (read == body.length) {
        // One more read sees the end of the body (-1 at once: the stream stops at Content-Length). Without
        // it the JDK server "drains" the body when the exchange closes, with a new 2 KiB buffer each time.
        in.read();
      }
      return read == body.length ? body : java.util.Arrays.copyOf(body, read);
    }
    byte[] body = in.readNBytes(limit + 1);
    if (body.length > limit) {
      throw tooLarge(limit);
    }
    return body;
  }

  private static ApiException tooLarge(int limit) {
    // The connection is closed after the answer: the rest of the body is never read.
    return new ApiException(413, "payload_too_large",
        "request body is larger than " + limit + " bytes", null, Map.of("Connection", "close"));
  }

  /** Refuses a body that says it is something other than JSON; a missing Content-Type is taken as JSON. */
  static void requireJson(HttpExchange ex) {
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type != null) {
      String base = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
      if (!base.equals("application/json") && !base.endsWith("+json")) {
        throw new ApiException(415, "unsupported_media_type",
            "Content-Type: expected application/json, got '" + base + "'");
      }
    }
  }

  static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes;
    try {
      bytes = TaskJson.mapper().writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON answer", e);
    }
    send(ex, status, "application/json", bytes);
  }

  static void send(HttpExchange ex, int status, String contentType, byte[] bytes) throws IOException {
    Headers h = ex.getResponseHeaders();
    h.set("Content-Type", contentType);
    h.set("Cache-Control", "no-store");
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      OutputStream out = ex.getResponseBody();
      out.write(bytes);
      // Flushed before the exchange closes: closing may first drain what is left of an unread body.
      out.flush();
    }
  }

  static void sendError(HttpExchange ex, ApiException e) throws IOException {
    e.headers().forEach(ex.getResponseHeaders()::set);
    sendJson(ex, e.status(), errorBody(e.error(), e.getMessage(), e.field()));
  }

  static ObjectNode errorBody(String error, String detail, String field) {
    ObjectNode n = TaskJson.mapper().createObjectNode();
    n.put("error", error);
    n.put("detail", detail);
    if (field != null) {
      n.put("field", field);
    }
    return n;
  }
}
