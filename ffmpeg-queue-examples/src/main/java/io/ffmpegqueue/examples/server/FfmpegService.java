package io.ffmpegqueue.examples.server;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.ffmpeg.FfmpegInstallation;
import io.ffmpegqueue.ffmpeg.FfmpegLocator;
import io.ffmpegqueue.examples.config.ConfigException;
import io.ffmpegqueue.examples.config.ServiceConfig;
import io.ffmpegqueue.examples.service.ConfiguredQueue;
import io.ffmpegqueue.examples.service.ProcessLoad;
import io.ffmpegqueue.micrometer.FfmpegQueueMetrics;
import io.ffmpegqueue.redis.RedisQueueBackend;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP service: the configured queue (with {@code NUM_WORKERS} workers) behind the {@link ApiServer}.
 * What {@code ffmpeg-queue-server.jar} runs; tests start it the same way with their own configuration.
 */
public final class FfmpegService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FfmpegService.class);
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
    if (new InetSocketAddress(config.host(), 0).isUnresolved()) {
      throw new ConfigException("HOST", "'" + config.host() + "' is neither an address nor a name this machine resolves"
          + " (0.0.0.0 for every interface, 127.0.0.1 for this machine only)");
    }
    ConfiguredQueue q = ConfiguredQueue.open(config, ProcessLoad.server(config), customizer);
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
          .management(q.backend(), q.storage())
          .healthCheck(HealthCheck.of("backend", () -> backendCheck(q)));
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
        q.queue().sandboxStatus().ifPresent(s -> b.healthCheck(HealthCheck.of("sandbox", () -> {
          if (s.degraded()) {
            throw new HealthCheck.Degraded(s.detail());
          }
          return s.detail();
        })));
        HealthCheck storage = StorageHealth.of(q.storage());
        if (storage != null) {
          b.healthCheck(storage);
        }
      }
      if (config.hostSet() && config.apiToken() == null && config.tenantTokens().isEmpty()
          && !isLoopback(config.host())) {
        log.warn("HOST={} and no API_TOKEN: the API is open to the network, and anyone who reaches it can run"
            + " ffmpeg commands here; set API_TOKEN, or leave HOST unset to listen on 127.0.0.1 only", config.host());
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

  private static String backendCheck(ConfiguredQueue q) throws HealthCheck.Unavailable {
    try {
      return "queue_size " + q.queue().queueSize();
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String why = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
      int sentence = why.indexOf(". ");
      throw new HealthCheck.Unavailable("cannot reach the " + q.backendFactory().name() + " backend: "
          + (sentence > 0 ? why.substring(0, sentence) : why), e);
    }
  }

  private static boolean isLoopback(String host) {
    try {
      return java.net.InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
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
