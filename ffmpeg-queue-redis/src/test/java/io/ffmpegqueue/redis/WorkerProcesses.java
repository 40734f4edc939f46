package io.ffmpegqueue.redis;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Starts {@link WorkerMain} processes on the test's class path (several at once if asked), and kills them all at the end. */
final class WorkerProcesses implements AutoCloseable {
  private final Path dir;
  private final String url;
  private final String prefix;
  private final String mode;
  private final int workers;
  private final long[] timings;
  private final Map<String, Process> running = new ConcurrentHashMap<>();
  private final List<Process> all = java.util.Collections.synchronizedList(new ArrayList<>());

  /** Workers of {@code mode} with {@code workers} slots and the lease, heartbeat and reap times in ms. */
  WorkerProcesses(String url, String prefix, String mode, int workers, long leaseMs, long heartbeatMs, long reapMs) {
    this(url, prefix, mode, workers, leaseMs, heartbeatMs, reapMs, Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** As above, with a folder for the workers' files. */
  WorkerProcesses(String url, String prefix, String mode, int workers, long leaseMs, long heartbeatMs, long reapMs,
      Path dir) {
    this.dir = dir;
    this.url = url;
    this.prefix = prefix;
    this.mode = mode;
    this.workers = workers;
    this.timings = new long[] {leaseMs, heartbeatMs, reapMs};
  }

  /** Starts a worker process and returns once it is ready. */
  Process start(String workerId) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-Xss512k", "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
        url, prefix, workerId, mode, String.valueOf(workers),
        String.valueOf(timings[0]), String.valueOf(timings[1]), String.valueOf(timings[2]), dir.toString())
        .redirectErrorStream(true);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    all.add(p);
    StringBuffer output = new StringBuffer();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          output.append(line).append('\n');
          if (!line.startsWith("READY")) {
            System.out.println("[" + workerId + "] " + line);
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "out-" + workerId);
    reader.setDaemon(true);
    reader.start();
    await("worker " + workerId + " to start").atMost(Duration.ofSeconds(60))
        .until(() -> output.indexOf("READY " + workerId) >= 0 || !p.isAlive());
    if (!p.isAlive()) {
      throw new IllegalStateException("worker " + workerId + " died at start:\n" + output);
    }
    running.put(workerId, p);
    return p;
  }

  /** A running worker's process. */
  Process process(String workerId) {
    return running.get(workerId);
  }

  /** The ids of the workers started and not killed. */
  List<String> alive() {
    return List.copyOf(running.keySet());
  }

  /** Kills a worker with SIGKILL: no shutdown hook runs, its leases are left to expire. */
  void kill9(String workerId) throws InterruptedException {
    Process p = running.remove(workerId);
    if (p != null) {
      p.destroyForcibly(); // SIGKILL on Linux
      p.waitFor();
    }
  }

  /** Closes every worker's standard input (they stop) and kills what is left. */
  @Override
  public void close() {
    List<Process> started = List.copyOf(all);
    for (Process p : started) {
      try {
        p.getOutputStream().close();
      } catch (IOException ignored) {
        // already gone
      }
    }
    for (Process p : started) {
      try {
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    running.clear();
  }
}
