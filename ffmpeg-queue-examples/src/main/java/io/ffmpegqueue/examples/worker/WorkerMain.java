package io.ffmpegqueue.examples.worker;

import io.ffmpegqueue.examples.config.ConfigException;
import io.ffmpegqueue.examples.config.ServiceConfig;
import io.ffmpegqueue.examples.service.Backends;
import io.ffmpegqueue.examples.service.ConfiguredQueue;
import io.ffmpegqueue.examples.service.LogSetup;
import io.ffmpegqueue.examples.service.ProcessLoad;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar ffmpeg-queue-worker.jar --num-workers 2}: workers without the API, on the same
 * configuration as the server (the guide's {@code python -m worker}). Needs a backend that processes share
 * ({@code QUEUE_BACKEND=postgres} or {@code redis}); with the in-memory one it refuses to start. SIGTERM drains: running
 * tasks get {@code DRAIN_TIMEOUT} to finish, the rest go back to the queue for another worker.
 */
public final class WorkerMain {
  /** Exit status for a configuration error (including the in-memory backend). */
  public static final int EXIT_CONFIG = 2;

  private WorkerMain() {}

  /** Runs the worker until the process is asked to stop. */
  public static void main(String[] args) throws InterruptedException {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.println(USAGE);
      return;
    }
    ServiceConfig config;
    try {
      config = ServiceConfig.load(Path.of(""), parseArgs(args));
      check(config);
    } catch (ConfigException e) {
      System.err.println("ffmpeg-queue-worker: " + e.getMessage());
      System.exit(EXIT_CONFIG);
      return;
    }
    LogSetup.apply(config.logLevel());
    Logger log = LoggerFactory.getLogger(WorkerMain.class);
    ConfiguredQueue queue;
    try {
      queue = ConfiguredQueue.open(config, ProcessLoad.worker(config), b -> { });
    } catch (ConfigException e) {
      log.error("configuration error: {}", e.getMessage());
      System.exit(EXIT_CONFIG);
      return;
    } catch (RuntimeException e) {
      log.error("cannot start: {}", e.getMessage(), e);
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping: no new tasks; running tasks get {} s to finish, then go back to the queue",
          config.drainTimeout().toSeconds());
      queue.close();
      log.info("stopped");
      stopped.countDown();
    }, "ffq-shutdown"));
    log.info("ffmpeg-queue worker started: {} on the {} backend, outputs to {}",
        workers(config.numWorkers()), config.queueBackend(), queue.storageDescription());
    stopped.await();
  }

  /** "1 worker", "4 workers". */
  static String workers(int n) {
    return n + (n == 1 ? " worker" : " workers");
  }

  private static final String USAGE = """
      usage: java -jar ffmpeg-queue-worker.jar [--num-workers N]
        Runs N workers (default NUM_WORKERS) on the shared queue that QUEUE_BACKEND names.
        Configured by environment variables and ./.env, like the server; see .env.example.""";

  /** The variables the command line sets: {@code --num-workers N} is {@code NUM_WORKERS=N}. */
  static Map<String, String> parseArgs(String[] args) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--num-workers") && i + 1 < args.length) {
        out.put("NUM_WORKERS", args[++i]);
      } else if (a.startsWith("--num-workers=")) {
        out.put("NUM_WORKERS", a.substring("--num-workers=".length()));
      } else {
        throw new ConfigException("arguments", "unknown argument '" + a + "'\n" + USAGE);
      }
    }
    return out;
  }

  /**
   * Refuses what a standalone worker cannot do: a backend only this process sees, or no workers.
   *
   * @throws ConfigException naming the variable
   */
  static void check(ServiceConfig config) {
    if (!Backends.forName(config.queueBackend()).shared()) {
      throw new ConfigException("QUEUE_BACKEND", "the '" + config.queueBackend() + "' backend keeps tasks inside"
          + " one process, so a worker in another process would never see the API's tasks. Set QUEUE_BACKEND to"
          + " a shared backend (postgres with DATABASE_URL, or redis with REDIS_URL) for both the API and the"
          + " workers, or run the server alone with NUM_WORKERS > 0.");
    }
    if (config.numWorkers() < 1) {
      throw new ConfigException("NUM_WORKERS", "a standalone worker needs at least 1 worker, got " + config.numWorkers());
    }
  }

  /** Runs the checks the main does before starting, printing the refusal; for tests. Returns the exit status. */
  static int preflight(String[] args, Map<String, String> env, PrintStream err) {
    try {
      Map<String, String> merged = new HashMap<>(env);
      merged.putAll(parseArgs(args));
      check(ServiceConfig.from(merged));
      return 0;
    } catch (ConfigException e) {
      err.println("ffmpeg-queue-worker: " + e.getMessage());
      return EXIT_CONFIG;
    }
  }
}
