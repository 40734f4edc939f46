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
   * Checks; returns a short detail when the part answers, throws {@link Degraded} when it works but not
   * as it should, and throws otherwise. May block: the server bounds the time it waits.
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

  /**
   * Thrown by a check whose part works, but not as it should: the answer says {@code "degraded"} with this
   * message, and the service stays ready (200). The message is shown to anonymous callers: no secrets.
   */
  final class Degraded extends Exception {
    private static final long serialVersionUID = 1L;

    /** A degraded part, and why, in one sentence a person can act on. */
    public Degraded(String reason) {
      super(reason);
    }
  }

  /**
   * Thrown by a check whose part does not answer, to say why: the answer says {@code "unavailable"} with
   * this message, and the service is not ready (503). The message is shown to anonymous callers: no
   * secrets. Any other exception gives {@code "unavailable"} without its message.
   */
  final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    /** A part that does not answer, and why. */
    public Unavailable(String reason, Throwable cause) {
      super(reason, cause);
    }
  }

  /** The body of a check. */
  @FunctionalInterface
  interface Probe {
    /** Returns a detail when healthy; throws otherwise. */
    String run() throws Exception;
  }
}
