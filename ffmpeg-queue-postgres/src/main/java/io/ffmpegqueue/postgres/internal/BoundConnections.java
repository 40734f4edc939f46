package io.ffmpegqueue.postgres.internal;

import java.sql.Connection;
import java.util.Objects;
import java.util.function.Supplier;

/** The host's connection that enqueues on this thread go through while its work runs (transactional enqueue). */
public final class BoundConnections {
  private final ThreadLocal<Connection> bound = new ThreadLocal<>();

  /** The connection bound to this thread, or null. */
  public Connection current() {
    return bound.get();
  }

  /** Runs {@code work} with {@code connection} bound to this thread, then binds what was bound before. */
  public <T> T with(Connection connection, Supplier<T> work) {
    Objects.requireNonNull(connection, "connection");
    Connection before = bound.get();
    bound.set(connection);
    try {
      return work.get();
    } finally {
      if (before == null) {
        bound.remove();
      } else {
        bound.set(before);
      }
    }
  }
}
