package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.WebhookDelivery;
import io.ffmpegqueue.spi.DueWebhook;
import io.ffmpegqueue.spi.MessageOutbox;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The messages table (see V9): one row per message a task owes another system, deleted once sent and removed
 * with its task by the foreign key.
 */
public final class Messages implements MessageOutbox {
  private static final String COLUMNS = "task_id, delivery_id, target, attempts::text, next_attempt_at";
  private final Jdbc db;
  private final String table;
  private final String tasks;

  /** Messages in {@code schema}.{@code prefix}messages. */
  public Messages(Jdbc db, String schema, String prefix) {
    this.db = db;
    this.table = schema + "." + prefix + "messages";
    this.tasks = schema + "." + prefix + "tasks";
  }

  @Override
  public boolean addMessage(TaskId id, WebhookDelivery d) {
    Objects.requireNonNull(d.nextAttemptAt(), "nextAttemptAt");
    return db.run("keep a message of task " + id, false, c -> {
      try (PreparedStatement ps = c.prepareStatement("WITH t AS (SELECT id FROM " + tasks + " WHERE id = ?),"
          + " i AS (INSERT INTO " + table + " (task_id, delivery_id, target, attempts, next_attempt_at)"
          + " SELECT id, ?, ?, ?::jsonb, ? FROM t ON CONFLICT (task_id, delivery_id) DO NOTHING)"
          + " SELECT count(*) FROM t")) {
        ps.setString(1, id.value());
        ps.setString(2, d.deliveryId());
        ps.setString(3, d.url().toString());
        ps.setString(4, Webhooks.attemptsJson(d.attempts()));
        ps.setTimestamp(5, Timestamp.from(d.nextAttemptAt()));
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() && rs.getLong(1) > 0;
        }
      }
    });
  }

  /** One batch of inserts, one round trip (the driver pipelines a batch). */
  @Override
  public void addMessages(List<Message> messages) {
    if (messages.isEmpty()) {
      return;
    }
    db.run("keep " + messages.size() + " message(s)", false, c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
          + " (task_id, delivery_id, target, attempts, next_attempt_at) SELECT id, ?, ?, ?::jsonb, ? FROM " + tasks
          + " WHERE id = ? ON CONFLICT (task_id, delivery_id) DO NOTHING")) {
        for (Message m : messages) {
          WebhookDelivery d = m.delivery();
          Objects.requireNonNull(d.nextAttemptAt(), "nextAttemptAt");
          ps.setString(1, d.deliveryId());
          ps.setString(2, d.url().toString());
          ps.setString(3, Webhooks.attemptsJson(d.attempts()));
          ps.setTimestamp(4, Timestamp.from(d.nextAttemptAt()));
          ps.setString(5, m.taskId().value());
          ps.addBatch();
        }
        ps.executeBatch();
        return null;
      }
    });
  }

  /** One batch of deletes, one round trip. */
  @Override
  public void removeMessages(List<Message> messages) {
    if (messages.isEmpty()) {
      return;
    }
    db.run("remove " + messages.size() + " sent message(s)", false, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE task_id = ? AND delivery_id = ?")) {
        for (Message m : messages) {
          ps.setString(1, m.taskId().value());
          ps.setString(2, m.delivery().deliveryId());
          ps.addBatch();
        }
        ps.executeBatch();
        return null;
      }
    });
  }

  @Override
  public List<DueWebhook> claimDueMessages(Instant now, Duration holdFor, int limit) {
    return db.run("claim due messages", true, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " m SET next_attempt_at = ?"
          + " FROM (SELECT task_id, delivery_id FROM " + table + " WHERE next_attempt_at <= ?"
          + " ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED) d"
          + " WHERE m.task_id = d.task_id AND m.delivery_id = d.delivery_id RETURNING "
          + COLUMNS.replace("task_id", "m.task_id").replace("delivery_id", "m.delivery_id"))) {
        ps.setTimestamp(1, Timestamp.from(now.plus(holdFor)));
        ps.setTimestamp(2, Timestamp.from(now));
        ps.setInt(3, limit);
        List<DueWebhook> due = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            due.add(new DueWebhook(TaskId.of(rs.getString(1)), new WebhookDelivery(rs.getString(2),
                URI.create(rs.getString(3)), WebhookDelivery.State.PENDING, Webhooks.attempts(rs.getString(4)),
                rs.getTimestamp(5).toInstant())));
          }
        }
        return due;
      }
    });
  }

  @Override
  public void updateMessage(TaskId id, WebhookDelivery d) {
    Objects.requireNonNull(d.nextAttemptAt(), "nextAttemptAt");
    db.run("reschedule a message of task " + id, false, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
          + " SET target = ?, attempts = ?::jsonb, next_attempt_at = ? WHERE task_id = ? AND delivery_id = ?")) {
        ps.setString(1, d.url().toString());
        ps.setString(2, Webhooks.attemptsJson(d.attempts()));
        ps.setTimestamp(3, Timestamp.from(d.nextAttemptAt()));
        ps.setString(4, id.value());
        ps.setString(5, d.deliveryId());
        ps.executeUpdate();
        return null;
      }
    });
  }

  @Override
  public void removeMessage(TaskId id, String deliveryId) {
    db.run("remove a sent message of task " + id, false, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE task_id = ? AND delivery_id = ?")) {
        ps.setString(1, id.value());
        ps.setString(2, deliveryId);
        ps.executeUpdate();
        return null;
      }
    });
  }
}
