package io.ffmpegqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TaskCursorTest {
  @Test
  void a_cursor_survives_its_text_form_to_the_microsecond() {
    TaskCursor c = new TaskCursor(Instant.parse("2026-12-06T10:00:00.123456789Z"), TaskId.random());
    TaskCursor back = TaskCursor.parse(c.encode());
    assertEquals(c, back);
    assertEquals(Instant.parse("2026-12-06T10:00:00.123456Z"), back.createdAt());
    assertTrue(c.encode().matches("[A-Za-z0-9_-]+"), "URL-safe");
  }

  @Test
  void text_that_no_cursor_made_is_refused_with_a_reason() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TaskCursor.parse("garbage"));
    assertTrue(e.getMessage().contains("not a cursor"), e.getMessage());
  }

  @Test
  void cursors_order_by_time_then_id() {
    Instant t = Instant.parse("2026-12-06T10:00:00Z");
    TaskCursor a = new TaskCursor(t, TaskId.of("a"));
    TaskCursor b = new TaskCursor(t, TaskId.of("b"));
    TaskCursor later = new TaskCursor(t.plusNanos(1000), TaskId.of("a"));
    assertTrue(a.compareTo(b) < 0);
    assertTrue(b.compareTo(later) < 0);
  }
}
