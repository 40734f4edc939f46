package io.ffmpegqueue.examples.server;

/**
 * One thing the service needs in order to be ready, asked by {@code GET /health}: the backend answering,
 * an ffmpeg that runs.
 *
 * <pre>{@code
 * HealthCheck backend = HealthCheck.of("backend", () -> "queue_size " + queue.queueSize());
 * }</pre>
 */
public interface HealthCheck {
  /** The check's name in the health answer ({@code backend}, {@code ffmpeg}). */
  String name();

  /**
   * Checks; returns a short detail when the part answers, throws when it does not. May block: the server
   * bounds the time it waits.
   */
  String check() throws Exception;

  /** A check named {@code name} that runs {@code probe}. */
  static HealthCheck of(String name, Probe probe) {
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String check() throws Exception {
        return probe.run();
      }
    };
  }

  /** The body of a check. */
  @FunctionalInterface
  interface Probe {
    /** Returns a detail when healthy; throws otherwise. */
    String run() throws Exception;
  }
}
