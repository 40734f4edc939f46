package io.ffmpegqueue.examples.server;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.ffmpeg.FfmpegInstallation;
import io.ffmpegqueue.ffmpeg.FfmpegLocator;
import io.ffmpegqueue.examples.config.ServiceConfig;
import io.ffmpegqueue.examples.service.ConfiguredQueue;
import io.ffmpegqueue.micrometer.FfmpegQueueMetrics;
import io.ffmpegqueue.redis.RedisQueueBackend;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Consumer;

/**
 * The HTTP service: the configured queue (with {@code NUM_WORKERS} workers) behind the {@link ApiServer}.
 * What {@code ffmpeg-queue-server.jar} runs; tests start it the same way with their own configuration.
 */
public final class FfmpegService implements AutoCloseable {
  private final ConfiguredQueue queue;
  private final ApiServer api;
  private final FfmpegQueueMetrics metrics;

  private FfmpegService(ConfiguredQueue queue, ApiServer api, FfmpegQueueMetrics metrics) {
    this.queue = queue;
    this.api = api;
    this.metrics = metrics;
  }

  /** Starts the service of {@code config}. */
  public static FfmpegService start(ServiceConfig config) {
    return start(config, b -> { });
  }

  /**
   * Starts the service of {@code config}, letting {@code customizer} change the queue's builder last (a
   * test's runner or handler, a host's listener).
   */
  public static FfmpegService start(ServiceConfig config, Consumer<FfmpegQueue.Builder> customizer) {
    ConfiguredQueue q = ConfiguredQueue.open(config, config.numWorkers(), customizer);
    FfmpegQueueMetrics metrics = null;
    try {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      metrics = FfmpegQueueMetrics.bind(q.queue(), registry);
      ApiServer.Builder b = ApiServer.builder(q.queue())
          .metrics(registry::scrape)
          .defaultWebhookUrl(config.webhookUrl())
          .host(config.host())
          .port(config.port())
          .apiToken(config.apiToken())
          .tenantTokens(config.tenantTokens())
          .threads(config.httpThreads())
          .healthCheck(HealthCheck.of("backend", () -> "queue_size " + q.queue().queueSize()));
      if (q.backend() instanceof RedisQueueBackend redis) {
        // Ready either way; the detail warns when Redis keeps no AOF (tasks since its last snapshot can be lost).
        b.healthCheck(HealthCheck.of("redis", () -> redis.durability().summary()));
      }
      if (config.numWorkers() > 0) {
        // An API without workers runs no ffmpeg, so it is ready without one. Located on each check (the
        // bundled one is extracted once), so a missing ffmpeg makes the service unready, not unstartable.
        b.healthCheck(HealthCheck.of("ffmpeg", () -> {
          FfmpegInstallation f = FfmpegLocator.defaults().locate();
          return "ffmpeg version " + f.version() + " (" + f.source() + ")";
        }));
      }
      return new FfmpegService(q, b.build().start(), metrics);
    } catch (RuntimeException e) {
      if (metrics != null) {
        metrics.close();
      }
      q.close();
      throw e;
    }
  }

  /** The port the API listens on. */
  public int port() {
    return api.port();
  }

  /** The queue behind the API. */
  public FfmpegQueue queue() {
    return queue.queue();
  }

  /** The configured queue (backend, storage). */
  public ConfiguredQueue configuredQueue() {
    return queue;
  }

  /** The HTTP server. */
  public ApiServer api() {
    return api;
  }

  /** Stops answering, then drains the queue: running tasks finish or are released, never lost. */
  @Override
  public void close() {
    try {
      api.close();
    } finally {
      metrics.close();
      queue.close();
    }
  }
}
