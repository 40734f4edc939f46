package io.ffmpegqueue.examples.server;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import io.ffmpegqueue.FfmpegQueueClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The guide's HTTP API over any {@link FfmpegQueueClient}, on the JDK's HTTP server with a bounded thread
 * pool. Endpoints: {@code POST /ffmpeg/register}, {@code GET /ffmpeg/status/{id}},
 * {@code GET /ffmpeg/queue/size}, {@code GET /ffmpeg/tasks}, {@code GET|DELETE /ffmpeg/tasks/{id}},
 * {@code GET /ffmpeg/tasks/{id}/events} (Server-Sent Events), {@code GET /metrics} (when configured) and
 * {@code GET /health}; errors are JSON
 * {@code {"error": ..., "detail": ...}}. See {@code docs/service.md} for the full reference.
 *
 * <pre>{@code
 * try (FfmpegQueue queue = FfmpegQueue.builder().build();
 *     ApiServer api = ApiServer.builder(queue).port(8000).build().start()) {
 *   ...
 * }
 * }</pre>
 */
public final class ApiServer implements AutoCloseable {
  static {
    // Answers are written as headers then body; without TCP_NODELAY, Nagle's algorithm and delayed ACKs
    // hold each keep-alive answer for ~40 ms. Read once, when the JDK server's config class loads.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** The largest request body accepted by default: 1 MiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

  private final Builder config;
  private HttpServer server;
  private ThreadPoolExecutor executor;
  private EventStreams streams;
  private HealthEndpoint health;
  private boolean closed;

  private ApiServer(Builder b) {
    this.config = b;
  }

  /** A builder for an API over {@code client}. */
  public static Builder builder(FfmpegQueueClient client) {
    return new Builder(client);
  }

  /**
   * Binds the port and starts answering.
   *
   * @throws UncheckedIOException when the port cannot be bound
   */
  public synchronized ApiServer start() {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    TaskEndpoints tasks = new TaskEndpoints(config.client, config.maxBodyBytes, config.defaultWebhookUrl);
    streams = new EventStreams(config.client, tasks, config.maxEventStreams);
    health = new HealthEndpoint(config.healthChecks);
    AtomicInteger n = new AtomicInteger();
    executor = new ThreadPoolExecutor(config.threads, config.threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(config.backlog), r -> {
          Thread t = new Thread(r, "ffq-http-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    try {
      server = HttpServer.create(new InetSocketAddress(config.host, config.port), config.backlog);
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot listen on " + config.host + ":" + config.port + ": " + e.getMessage(), e);
    }
    server.setExecutor(executor);
    BearerAuth auth = config.apiToken == null && config.tenantTokens.isEmpty() ? null
        : new BearerAuth(config.apiToken, config.tenantTokens);
    HttpContext ctx = server.createContext("/", new ApiHandler(tasks, streams, health, auth, config.metrics)
        .withManagement(Management.endpoints(config.backend, config.storage, tasks),
            new BatchRegistration(config.client, config.maxBodyBytes, config.defaultWebhookUrl),
            Management.dashboard(config.dashboard, auth)));
    ctx.getFilters().add(new AccessLogFilter(config.accessLog));
    server.start();
    return this;
  }

  /** The bound port (the chosen one when the builder asked for port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** How many event streams are open. */
  public int openEventStreams() {
    return streams == null ? 0 : streams.openCount();
  }

  /** Ends event streams, stops accepting, lets answers in flight finish (up to a second), stops the threads. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (streams != null) {
      streams.close();
    }
    if (server != null) {
      server.stop(1);
    }
    if (executor != null) {
      executor.shutdown();
      try {
        if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
          executor.shutdownNow();
        }
      } catch (InterruptedException e) {
        executor.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    if (health != null) {
      health.close();
    }
  }

  /** Builds an {@link ApiServer}. */
  public static final class Builder {
    private final FfmpegQueueClient client;
    private String host = "0.0.0.0";
    private int port = 8000;
    private String apiToken;
    private Map<String, String> tenantTokens = Map.of();
    private int threads = 16;
    private int backlog = 1024;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxEventStreams = 64;
    private final List<HealthCheck> healthChecks = new ArrayList<>();
    private Supplier<String> metrics;
    private java.net.URI defaultWebhookUrl;
    private Consumer<String> accessLog = LoggerFactory.getLogger("io.ffmpegqueue.examples.access")::info;
    private io.ffmpegqueue.spi.QueueBackend backend;
    private io.ffmpegqueue.io.Storage storage;
    private boolean dashboard = true;

    private Builder(FfmpegQueueClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** The address to listen on. Default {@code 0.0.0.0}. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port; 0 picks a free one. Default 8000. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be from 0 to 65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /** When not {@code null}, every endpoint but {@code /health} needs {@code Authorization: Bearer <token>}. */
    public Builder apiToken(String token) {
      this.apiToken = token;
      return this;
    }

    /**
     * Tenant-bound tokens (token to tenant), accepted beside {@link #apiToken}; a task registered with one
     * belongs to its tenant. Default none.
     */
    public Builder tenantTokens(Map<String, String> tokens) {
      this.tenantTokens = Map.copyOf(tokens);
      return this;
    }

    /** Threads that answer requests. Default 16. */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1");
      }
      this.threads = threads;
      return this;
    }

    /** The largest request body; larger ones get 413. Default 1 MiB. */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxBodyBytes must be at least 1024");
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /** The most event streams open at once; more get 503. Default 64. */
    public Builder maxEventStreams(int streams) {
      if (streams < 1) {
        throw new IllegalArgumentException("maxEventStreams must be at least 1");
      }
      this.maxEventStreams = streams;
      return this;
    }

    /** Adds a check that {@code GET /health} runs. */
    public Builder healthCheck(HealthCheck check) {
      healthChecks.add(Objects.requireNonNull(check, "check"));
      return this;
    }

    /**
     * Serves {@code GET /metrics} (behind the token, like the task endpoints) with what {@code scrape}
     * returns: Prometheus text, e.g. {@code PrometheusMeterRegistry::scrape}. Default: no such endpoint.
     */
    public Builder metrics(Supplier<String> scrape) {
      this.metrics = Objects.requireNonNull(scrape, "scrape");
      return this;
    }

    /** The webhook URL of registered tasks that name none ({@code WEBHOOK_URL}); default none. */
    public Builder defaultWebhookUrl(java.net.URI url) {
      this.defaultWebhookUrl = url;
      return this;
    }

    /** Where access-log lines go. Default: the logger {@code io.ffmpegqueue.examples.access} at info. */
    public Builder accessLog(Consumer<String> sink) {
      this.accessLog = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * The backend whose task management ({@code retry}, {@code ?purge=true}, the search, {@code /ffmpeg/workers},
     * {@code /ffmpeg/stats}) the API offers, and the storage whose outputs a purge deletes ({@code null}: none).
     * Default none: those endpoints answer 501.
     */
    public Builder management(io.ffmpegqueue.spi.QueueBackend backend, io.ffmpegqueue.io.Storage storage) {
      this.backend = backend;
      this.storage = storage;
      return this;
    }

    /** Whether to serve the dashboard at {@code /dashboard} ({@code /} redirects there). Default true. */
    public Builder dashboard(boolean on) {
      this.dashboard = on;
      return this;
    }

    /** The server, not started yet. */
    public ApiServer build() {
      return new ApiServer(this);
    }
  }
}
