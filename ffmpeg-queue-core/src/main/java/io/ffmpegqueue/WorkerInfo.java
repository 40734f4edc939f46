package io.ffmpegqueue;

import java.time.Instant;
import java.util.Objects;

/**
 * A worker process as it registers itself with a {@link io.ffmpegqueue.spi.WorkerRegistry} on each heartbeat.
 *
 * @param id the process's worker id, unique while it lives
 * @param host the host name it runs on
 * @param pid its operating-system process id
 * @param version the library version it runs
 * @param workers how many worker threads it runs
 * @param startedAt when it started
 * @param lastHeartbeat when it last reported, on the registry's clock ({@code null} in a heartbeat: the
 *     registry sets it)
 * @param tasksRunning how many tasks it is running
 */
public record WorkerInfo(
    String id, String host, long pid, String version, int workers, Instant startedAt, Instant lastHeartbeat,
    int tasksRunning) {
  /** Checks the required fields. */
  public WorkerInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(startedAt, "startedAt");
    if (workers < 0 || tasksRunning < 0) {
      throw new IllegalArgumentException("workers and tasksRunning must not be negative");
    }
  }

  /** A builder for a heartbeat of worker {@code id}. */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /** The same worker, heard at {@code at}. */
  public WorkerInfo heardAt(Instant at) {
    return new WorkerInfo(id, host, pid, version, workers, startedAt, at, tasksRunning);
  }

  /** Builds a {@link WorkerInfo}. */
  public static final class Builder {
    private final String id;
    private String host = "localhost";
    private long pid = ProcessHandle.current().pid();
    private String version = "unknown";
    private int workers;
    private Instant startedAt = Instant.EPOCH;
    private Instant lastHeartbeat;
    private int tasksRunning;

    private Builder(String id) {
      this.id = id;
    }

    /** The host name. */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** The process id (default this process's). */
    public Builder pid(long pid) {
      this.pid = pid;
      return this;
    }

    /** The library version. */
    public Builder version(String version) {
      this.version = version;
      return this;
    }

    /** How many worker threads. */
    public Builder workers(int workers) {
      this.workers = workers;
      return this;
    }

    /** When the process started. */
    public Builder startedAt(Instant startedAt) {
      this.startedAt = startedAt;
      return this;
    }

    /** When it was last heard (registries set it). */
    public Builder lastHeartbeat(Instant lastHeartbeat) {
      this.lastHeartbeat = lastHeartbeat;
      return this;
    }

    /** How many tasks it runs now. */
    public Builder tasksRunning(int tasksRunning) {
      this.tasksRunning = tasksRunning;
      return this;
    }

    /** The worker. */
    public WorkerInfo build() {
      return new WorkerInfo(id, host, pid, version, workers, startedAt, lastHeartbeat, tasksRunning);
    }
  }
}
