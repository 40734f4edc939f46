package io.ffmpegqueue.memory;

import io.ffmpegqueue.WorkerInfo;
import io.ffmpegqueue.spi.WorkerRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** The in-memory backend's {@link WorkerRegistry}: the workers of this JVM (and any that share the backend object). */
final class MemoryWorkers implements WorkerRegistry {
  private final InMemoryQueueBackend backend;
  private final ConcurrentHashMap<String, WorkerInfo> workers = new ConcurrentHashMap<>();

  MemoryWorkers(InMemoryQueueBackend backend) {
    this.backend = backend;
  }

  @Override
  public void heartbeat(WorkerInfo worker) {
    Objects.requireNonNull(worker, "worker");
    workers.put(worker.id(), worker.heardAt(backend.clock.instant()));
  }

  @Override
  public List<WorkerInfo> live(Duration within) {
    Instant since = backend.clock.instant().minus(within);
    workers.values().removeIf(w -> w.lastHeartbeat().isBefore(since.minus(within)));
    return workers.values().stream().filter(w -> !w.lastHeartbeat().isBefore(since))
        .sorted(Comparator.comparing(WorkerInfo::id)).toList();
  }

  @Override
  public void remove(String workerId) {
    workers.remove(workerId);
  }
}
