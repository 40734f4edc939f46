package io.ffmpegqueue.examples.service;

import io.ffmpegqueue.examples.config.ServiceConfig;

/**
 * What one process of the service does, for sizing what it holds: its workers and, in the API process,
 * the threads that answer requests. A standalone worker serves no HTTP, so it needs no connections for it.
 *
 * @param workers tasks the process runs at once ({@code NUM_WORKERS}, or the worker's {@code --num-workers})
 * @param httpThreads threads that answer requests ({@code HTTP_THREADS}); 0 in a standalone worker
 */
public record ProcessLoad(int workers, int httpThreads) {
  /** Connections for the queue's own threads: the dispatcher's claim, notices, supervisor and listener. */
  static final int QUEUE_CONNECTIONS = 4;

  /** The API process: {@code NUM_WORKERS} workers and {@code HTTP_THREADS} request threads. */
  public static ProcessLoad server(ServiceConfig config) {
    return new ProcessLoad(config.numWorkers(), config.httpThreads());
  }

  /** A standalone worker: {@code NUM_WORKERS} (or {@code --num-workers}) workers and no HTTP. */
  public static ProcessLoad worker(ServiceConfig config) {
    return new ProcessLoad(config.numWorkers(), 0);
  }

  /**
   * Database connections the process needs: one per worker, {@value #QUEUE_CONNECTIONS} for the queue's own
   * threads, and one per two request threads (not every request submits or reads at once).
   */
  public int databaseConnections() {
    return workers + QUEUE_CONNECTIONS + httpThreads / 2;
  }
}
