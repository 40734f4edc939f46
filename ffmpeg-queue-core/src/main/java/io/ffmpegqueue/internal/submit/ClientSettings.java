package io.ffmpegqueue.internal.submit;

import io.ffmpegqueue.RetryPolicy;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskListener;
import io.ffmpegqueue.TenantLimits;
import io.ffmpegqueue.ffmpeg.CommandPolicy;
import io.ffmpegqueue.internal.Fetchers;
import io.ffmpegqueue.memory.InMemoryQueueBackend;
import io.ffmpegqueue.spi.QueueBackend;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

/**
 * The submission-side options, as the builders collected them.
 *
 * @param backend where tasks live, or {@code null} for a new in-memory backend
 * @param fetchers input fetchers by scheme
 * @param commandPolicy which commands may run
 * @param retryPolicy when failed attempts retry (its max attempts is the default for requests)
 * @param defaultTimeout the timeout of requests that set none
 * @param clock the clock
 * @param listeners listeners subscribed from the start
 * @param owned what the builder made on the host's behalf, closed with the queue
 * @param tenantLimits per-tenant limits (rate at submission, running at claim)
 */
public record ClientSettings(
    QueueBackend backend,
    Fetchers fetchers,
    CommandPolicy commandPolicy,
    RetryPolicy retryPolicy,
    Duration defaultTimeout,
    InstantSource clock,
    List<Listener> listeners,
    List<AutoCloseable> owned,
    TenantLimits tenantLimits) {

  /** Copies the collections and fills in the default backend. */
  public ClientSettings {
    if (backend == null) {
      backend = InMemoryQueueBackend.builder().clock(clock).build();
    }
    listeners = List.copyOf(listeners);
    owned = List.copyOf(owned);
    if (tenantLimits == null) {
      tenantLimits = TenantLimits.none();
    }
  }

  /**
   * A listener subscribed from the start.
   *
   * @param type the events it takes, or {@code null} for all
   * @param listener the listener
   */
  public record Listener(TaskEvent.Type type, TaskListener listener) {}
}
