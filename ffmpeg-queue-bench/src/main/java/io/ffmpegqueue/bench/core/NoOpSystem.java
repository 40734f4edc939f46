package io.ffmpegqueue.bench.core;

/**
 * One system under test, running no-op tasks: the queue, a plain thread pool or JobRunr. Each task is
 * known by a sequence number, which its work passes to {@link StartTimes#started(int)}.
 */
interface NoOpSystem extends AutoCloseable {
  /** A short name for the tables. */
  String name();

  /** Submits task {@code seq}; returns once the system has accepted it. */
  void submit(int seq);

  /** How many tasks' work has run so far; the submitter keeps its window of tasks in flight by it. */
  long ran();

  /** Whether all {@code submitted} tasks have finished (their completion recorded by the system). */
  boolean finished(int submitted);

  /** Stops the system's threads. */
  @Override
  void close();
}
