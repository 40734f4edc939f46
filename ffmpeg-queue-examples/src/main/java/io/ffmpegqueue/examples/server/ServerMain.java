package io.ffmpegqueue.examples.server;

import io.ffmpegqueue.examples.config.ConfigException;
import io.ffmpegqueue.examples.config.ServiceConfig;
import io.ffmpegqueue.examples.service.LogSetup;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar ffmpeg-queue-server.jar}: the API with {@code NUM_WORKERS} embedded workers, configured
 * from the environment and {@code ./.env}. Exits with 2 on a configuration error (the message names the
 * variable), 1 when it cannot start otherwise; SIGTERM stops answering, drains the workers and exits.
 */
public final class ServerMain {
  private ServerMain() {}

  /** Starts the service and runs until the process is asked to stop. */
  public static void main(String[] args) throws InterruptedException {
    if (args.length > 0) {
      boolean help = args[0].equals("--help") || args[0].equals("-h");
      (help ? System.out : System.err).println("usage: java -jar ffmpeg-queue-server.jar"
          + "\n  configured by environment variables and ./.env; see .env.example and docs/service.md");
      System.exit(help ? 0 : 2);
    }
    ServiceConfig config;
    try {
      config = ServiceConfig.load(Path.of(""));
    } catch (ConfigException e) {
      System.err.println("ffmpeg-queue-server: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    LogSetup.apply(config.logLevel());
    Logger log = LoggerFactory.getLogger(ServerMain.class);
    FfmpegService service;
    try {
      service = FfmpegService.start(config);
    } catch (ConfigException e) {
      log.error("configuration error: {}", e.getMessage());
      System.exit(2);
      return;
    } catch (java.io.UncheckedIOException e) {
      log.error("cannot start: {}", e.getMessage()); // a port in use needs no stack trace
      System.exit(1);
      return;
    } catch (RuntimeException e) {
      log.error("cannot start: {}", e.getMessage(), e);
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping: no new requests; running tasks get {} s to finish", config.drainTimeout().toSeconds());
      service.close();
      log.info("stopped");
      stopped.countDown();
    }, "ffq-shutdown"));
    log.info("ffmpeg-queue API listening on http://{}:{} (workers: {}, backend: {}, storage: {}, auth: {})",
        config.host(), service.port(), config.numWorkers(), config.queueBackend(),
        service.configuredQueue().storageDescription(), config.apiToken() == null && config.tenantTokens().isEmpty() ? "off"
            : "bearer token" + (config.tenantTokens().isEmpty() ? "" : "s (" + config.tenantTokens().size() + " tenant-bound)"));
    stopped.await();
  }
}
