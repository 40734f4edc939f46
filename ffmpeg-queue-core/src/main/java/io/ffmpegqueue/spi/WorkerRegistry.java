package io.ffmpegqueue.spi;

import io.ffmpegqueue.WorkerInfo;
import java.time.Duration;
import java.util.List;

/**
 * Optional SPI: the worker processes that use a backend, each registered by its heartbeats. A backend
 * offers it through {@link QueueBackend#workerRegistry()}; the in-memory, PostgreSQL and Redis backends do.
 *
 * <pre>{@code
 * registry.heartbeat(WorkerInfo.builder("host-1:4242").host("host-1").workers(4).tasksRunning(2).build());
 * List<WorkerInfo> alive = registry.live(Duration.ofSeconds(30));
 * }</pre>
 */
public interface WorkerRegistry {

  /** Registers a worker or updates it; the registry sets its last heartbeat to its own clock's now. */
  void heartbeat(WorkerInfo worker);

  /** The workers heard within {@code within}, by id; older entries may be dropped. */
  List<WorkerInfo> live(Duration within);

  /** Forgets a worker (on a clean shutdown). */
  void remove(String workerId);
}
