package io.ffmpegqueue.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The in-memory backend's final tasks, oldest first, kept for inspection up to an age and a count. Used
 * under the backend's lock.
 */
final class Retention {
  private final Duration maxAge;
  private final int maxCount;
  private final ArrayDeque<Entry> finished = new ArrayDeque<>();

  Retention(Duration maxAge, int maxCount) {
    this.maxAge = maxAge;
    this.maxCount = maxCount;
  }

  void add(Entry e) {
    finished.addLast(e);
  }

  /** The oldest final task past the limits at {@code now}, taken out; {@code null} when none is. */
  Entry pollExpired(Instant now) {
    Entry oldest = finished.peekFirst();
    if (oldest != null && (finished.size() > maxCount || oldest.task.finishedAt().isBefore(now.minus(maxAge)))) {
      return finished.pollFirst();
    }
    return null;
  }

  /** Takes a task out (a retry or a delete); linear in the tasks kept, which only an operator's action pays. */
  void remove(Entry e) {
    finished.removeFirstOccurrence(e);
  }

  Iterator<Entry> newestFirst() {
    return finished.descendingIterator();
  }
}
