package io.ffmpegqueue.examples.service;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.WorkerInfo;
import io.ffmpegqueue.spi.WorkerRegistry;
import io.ffmpegqueue.support.NamedThreadFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers this worker process with the backend's {@link WorkerRegistry} and reports every
 * {@link #INTERVAL} (id, host, pid, version, worker count, start time, tasks running), so
 * {@code GET /ffmpeg/workers} and the dashboard list it; {@link #close()} removes it.
 */
public final class WorkerHeartbeat implements AutoCloseable {
  /** How often a heartbeat is sent; the API lists workers heard within three of these. */
  public static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final Logger log = LoggerFactory.getLogger(WorkerHeartbeat.class);

  private final WorkerRegistry registry;
  private final FfmpegQueue queue;
  private final WorkerInfo.Builder info;
  private final String id;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("ffq-heartbeat"));

  private WorkerHeartbeat(WorkerRegistry registry, FfmpegQueue queue, int workers) {
    this.registry = registry;
    this.queue = queue;
    String host = hostName();
    long pid = ProcessHandle.current().pid();
    this.id = host + ":" + pid + ":" + UUID.randomUUID().toString().substring(0, 8);
    String version = FfmpegQueue.class.getPackage().getImplementationVersion();
    this.info = WorkerInfo.builder(id).host(host).pid(pid).version(version == null ? "dev" : version)
        .workers(workers).startedAt(Instant.now());
  }

  /** Starts the heartbeats of a process with {@code workers} worker threads. */
  public static WorkerHeartbeat start(WorkerRegistry registry, FfmpegQueue queue, int workers) {
    WorkerHeartbeat h = new WorkerHeartbeat(registry, queue, workers);
    h.timer.scheduleAtFixedRate(h::beat, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    return h;
  }

  /** This process's id in the registry. */
  public String id() {
    return id;
  }

  private void beat() {
    try {
      registry.heartbeat(info.tasksRunning(queue.activeWorkers()).build());
    } catch (RuntimeException e) {
      log.warn("worker {}: could not send a heartbeat: {}", id, e.toString());
    }
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }

  /** Stops the heartbeats and removes this process from the registry. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
      registry.remove(id);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.debug("worker {}: could not deregister: {}", id, e.toString());
    }
  }
}
