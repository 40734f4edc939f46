package io.ffmpegqueue.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.ffmpegqueue.FfmpegQueueClient;
import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.Submission;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskRejectedException;
import io.ffmpegqueue.TaskRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /ffmpeg/register/batch}: up to 1,000 register bodies in a JSON array, each validated as
 * {@code POST /ffmpeg/register} validates one. All are validated before any is submitted, and an item that
 * fails is never submitted; the answer lists, in order, each item's {@code task_id} and {@code status}, or its
 * {@code error}, {@code detail} and {@code field}.
 */
final class BatchRegistration {
  /** The most tasks in one batch. */
  static final int MAX_ITEMS = 1000;

  private final FfmpegQueueClient client;
  private final int maxBodyBytes;
  private final URI defaultWebhookUrl;

  BatchRegistration(FfmpegQueueClient client, int maxBodyBytes, URI defaultWebhookUrl) {
    this.client = client;
    this.maxBodyBytes = maxBodyBytes;
    this.defaultWebhookUrl = defaultWebhookUrl;
  }

  void register(HttpExchange ex, String tokenTenant) throws IOException {
    HttpIo.requireJson(ex);
    // A batch may carry many bodies: up to 16 times the single body's limit.
    byte[] body = HttpIo.readBody(ex, maxBodyBytes * 16);
    JsonNode root;
    try {
      root = TaskJson.mapper().readTree(body);
    } catch (IOException e) {
      throw new ApiException(400, "invalid_json", "request body is not valid JSON");
    }
    if (root == null || !root.isArray()) {
      throw new ApiException(400, "invalid_json", "request body must be a JSON array of register bodies");
    }
    if (root.isEmpty() || root.size() > MAX_ITEMS) {
      throw ApiException.badField("tasks", "a batch holds 1 to " + MAX_ITEMS + " tasks, got " + root.size());
    }
    List<Object> parsed = new ArrayList<>(root.size());
    for (JsonNode item : root) {
      try {
        TaskRequest r = RegisterBody.parse(item.toString().getBytes(StandardCharsets.UTF_8), null);
        if (r.webhookUrl() == null && defaultWebhookUrl != null) {
          r = r.toBuilder().webhookUrl(defaultWebhookUrl).build();
        }
        if (tokenTenant != null) {
          r = r.toBuilder().tenant(tokenTenant).build();
        }
        parsed.add(r);
      } catch (ApiException e) {
        parsed.add(e);
      } catch (InvalidTaskException e) {
        parsed.add(ApiException.badField(e.field(), e.getMessage()));
      }
    }
    ObjectNode n = TaskJson.mapper().createObjectNode();
    ArrayNode results = n.putArray("results");
    int accepted = 0;
    for (int i = 0; i < parsed.size(); i++) {
      ObjectNode o = results.addObject();
      o.put("index", i);
      Object p = parsed.get(i);
      if (p instanceof TaskRequest r) {
        try {
          Submission s = client.submit(r);
          o.put("task_id", s.task().id().value());
          o.put("status", s.task().status().wireName());
          accepted++;
          continue;
        } catch (InvalidTaskException e) {
          p = ApiException.badField(e.field(), TaskEndpoints.withConfigHint(e.getMessage()));
        } catch (TaskRejectedException e) {
          p = new ApiException(e.reason() == TaskRejectedException.Reason.QUEUE_FULL ? 503 : 429,
              e.reason().name().toLowerCase(java.util.Locale.ROOT), e.getMessage());
        }
      }
      ApiException e = (ApiException) p;
      o.put("error", e.error());
      o.put("detail", e.getMessage());
      if (e.field() != null) {
        o.put("field", e.field());
      }
    }
    n.put("accepted", accepted);
    n.put("rejected", parsed.size() - accepted);
    HttpIo.sendJson(ex, 200, n);
  }
}
