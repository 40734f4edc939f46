package io.ffmpegqueue.bench.postgres;

/** A queue with no-op workers, as the benchmark drives it. */
public interface QueueUnderTest extends AutoCloseable {
  /** Starts the workers (made stopped, so that a backlog can be enqueued first). */
  void startWorkers();

  /** Enqueues task {@code i}, stamped with {@code enqueuedNanos}; called from several threads. */
  void enqueue(int i, long enqueuedNanos) throws Exception;

  /** How many tasks are not yet done (as the database says). */
  long remaining() throws Exception;

  @Override
  void close() throws java.sql.SQLException;
}
