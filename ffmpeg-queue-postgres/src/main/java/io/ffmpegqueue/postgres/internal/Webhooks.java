package io.ffmpegqueue.postgres.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.WebhookAttempt;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.spi.DueWebhook;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The webhook deliveries table: one row per task that ended with a webhook URL. */
public final class Webhooks {
  private static final String COLUMNS = "task_id, delivery_id, url, state, attempts::text, next_attempt_at";
  private final Jdbc db;
  private final String table;

  /** Deliveries in {@code schema}.{@code prefix}webhooks. */
  public Webhooks(Jdbc db, String schema, String prefix) {
    this.db = db;
    this.table = schema + "." + prefix + "webhooks";
  }

  /** Replaces the task's row. */
  public void update(TaskId id, WebhookDelivery d) {
    db.run("record a webhook attempt of task " + id, false, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
          + " SET delivery_id = ?, url = ?, state = ?, attempts = ?::jsonb, next_attempt_at = ? WHERE task_id = ?")) {
        ps.setString(1, d.deliveryId());
        ps.setString(2, d.url().toString());
        ps.setString(3, d.state().name());
        ps.setString(4, attemptsJson(d.attempts()));
        ps.setTimestamp(5, d.nextAttemptAt() == null ? null : Timestamp.from(d.nextAttemptAt()));
        ps.setString(6, id.value());
        ps.executeUpdate();
        return null;
      }
    });
  }

  /** The task's delivery. */
  public Optional<WebhookDelivery> find(TaskId id) {
    return db.run("find the webhook of task " + id, false, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + table + " WHERE task_id = ?")) {
        ps.setString(1, id.value());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(read(rs)) : Optional.<WebhookDelivery>empty();
        }
      }
    });
  }

  /** Takes due deliveries, skipping rows other processes are taking, and holds them for {@code holdFor}. */
  public List<DueWebhook> claimDue(Instant now, Duration holdFor, int limit) {
    return db.run("claim due webhooks", true, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET next_attempt_at = ?"
          + " WHERE task_id IN (SELECT task_id FROM " + table + " WHERE state = 'PENDING' AND next_attempt_at <= ?"
          + " ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING " + COLUMNS)) {
        ps.setTimestamp(1, Timestamp.from(now.plus(holdFor)));
        ps.setTimestamp(2, Timestamp.from(now));
        ps.setInt(3, limit);
        List<DueWebhook> due = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            due.add(new DueWebhook(TaskId.of(rs.getString(1)), read(rs)));
          }
        }
        return due;
      }
    });
  }

  private static WebhookDelivery read(ResultSet rs) throws SQLException {
    Timestamp next = rs.getTimestamp(6);
    return new WebhookDelivery(rs.getString(2), URI.create(rs.getString(3)),
        WebhookDelivery.State.valueOf(rs.getString(4)), attempts(rs.getString(5)),
        next == null ? null : next.toInstant());
  }

  static String attemptsJson(List<WebhookAttempt> attempts) {
    ArrayNode a = TaskJson.mapper().createArrayNode();
    for (WebhookAttempt w : attempts) {
      ObjectNode n = a.addObject();
      n.put("at", w.at().toString());
      n.put("status_code", w.statusCode());
      n.put("error", w.error());
    }
    return a.toString();
  }

  static List<WebhookAttempt> attempts(String json) throws SQLException {
    try {
      List<WebhookAttempt> out = new ArrayList<>();
      for (JsonNode n : TaskJson.mapper().readTree(json)) {
        JsonNode code = n.get("status_code");
        JsonNode error = n.get("error");
        out.add(new WebhookAttempt(Instant.parse(n.path("at").asText()),
            code == null || !code.isNumber() ? null : code.asInt(),
            error == null || error.isNull() ? null : error.asText()));
      }
      return out;
    } catch (JsonProcessingException e) {
      throw new SQLException("webhook attempts are not valid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
