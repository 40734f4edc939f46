package io.ffmpegqueue.examples.config;

import io.ffmpegqueue.OutputLimits;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TenantLimits;
import io.ffmpegqueue.ffmpeg.Sandbox;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The service's configuration: the environment, over an optional {@code .env} file in the working
 * folder (the environment wins). Every variable has a default, so an empty environment gives the embedded
 * set-up: in-memory queue, local storage under {@code ./ffmpeg-outputs}, 2 workers, port 8000. An invalid
 * value stops start-up with a {@link ConfigException} that names the variable. The variables are those of
 * {@link Variables#READ}; no other can be read.
 *
 * <pre>{@code
 * ServiceConfig config = ServiceConfig.load(Path.of(""));       // env + ./.env
 * ServiceConfig test = ServiceConfig.from(Map.of("PORT", "0")); // exactly these variables
 * }</pre>
 */
public final class ServiceConfig {
  private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error");
  private final EnvValues env;
  private final int port;
  private final String host;
  private final boolean hostSet;
  private final Sandbox sandbox;
  private final int numWorkers;
  private final String queueBackend;
  private final int maxQueue;
  private final Duration taskTimeout;
  private final Path outputDir;
  private final Path workDir;
  private final S3Settings s3;
  private final List<String> inputAllowedHosts;
  private final List<Path> inputAllowedDirs;
  private final String apiToken;
  private final URI webhookUrl;
  private final List<String> webhookAllowedHosts;
  private final Map<String, String> tenantTokens;
  private final TenantLimits tenantLimits;
  private final String logLevel;
  private final int httpThreads;
  private final Duration drainTimeout;
  private final OutputLimits outputLimits;

  private ServiceConfig(Map<String, String> variables) {
    this.env = new EnvValues(variables);
    this.port = env.integer("PORT", 0, 65_535);
    this.hostSet = !env.text("HOST").isEmpty();
    this.numWorkers = env.integer("NUM_WORKERS", 0, 1024);
    this.queueBackend = env.text("QUEUE_BACKEND").toLowerCase(Locale.ROOT);
    if (!queueBackend.matches("[a-z0-9_-]+")) {
      throw new ConfigException("QUEUE_BACKEND", "'" + queueBackend + "' is not a backend name");
    }
    this.maxQueue = env.integer("MAX_QUEUE", 1, 100_000_000);
    this.taskTimeout = env.duration("TASK_TIMEOUT", false);
    this.outputDir = env.path("OUTPUT_DIR");
    this.workDir = env.text("WORK_DIR").isEmpty() ? null : env.path("WORK_DIR");
    this.s3 = parseS3();
    this.inputAllowedHosts = env.hosts("INPUT_ALLOWED_HOSTS");
    this.inputAllowedDirs = env.paths("INPUT_ALLOWED_DIRS");
    this.apiToken = parseApiToken();
    this.webhookUrl = env.httpUrl("WEBHOOK_URL");
    this.webhookAllowedHosts = env.hosts("WEBHOOK_ALLOWED_HOSTS");
    this.tenantTokens = parseTenantTokens();
    // Without a token the API runs ffmpeg for anyone who reaches it: loopback only, unless HOST says otherwise.
    this.host = hostSet ? env.text("HOST") : apiToken == null && tenantTokens.isEmpty() ? "127.0.0.1" : "0.0.0.0";
    this.sandbox = switch (env.text("SANDBOX").toLowerCase(Locale.ROOT)) {
      case "auto" -> Sandbox.AUTO;
      case "required" -> Sandbox.REQUIRED;
      case "none" -> Sandbox.NONE;
      default -> throw new ConfigException("SANDBOX", "'" + env.text("SANDBOX") + "' is not one of auto, required, none");
    };
    this.tenantLimits = parseTenantLimits();
    this.logLevel = env.text("LOG_LEVEL").toLowerCase(Locale.ROOT).replace("warning", "warn");
    if (!LOG_LEVELS.contains(logLevel)) {
      throw new ConfigException("LOG_LEVEL", "'" + env.text("LOG_LEVEL") + "' is not one of trace, debug, info, warn, error");
    }
    this.httpThreads = env.integer("HTTP_THREADS", 1, 1024);
    this.drainTimeout = env.duration("DRAIN_TIMEOUT", true);
    this.outputLimits = new OutputLimits(env.integer("MAX_OUTPUT_FILES", 1, OutputLimits.MAX_FILES),
        env.integer("MAX_OUTPUT_BYTES", 1L, Long.MAX_VALUE));
  }

  /** The configuration of exactly these variables (unset and empty ones take their defaults). */
  public static ServiceConfig from(Map<String, String> env) {
    return new ServiceConfig(env);
  }

  /** The configuration of the process environment over {@code dir/.env}. */
  public static ServiceConfig load(Path dir) {
    return load(dir, Map.of());
  }

  /**
   * The configuration of {@code overrides} (from the command line) over the process environment over
   * {@code dir/.env}.
   */
  public static ServiceConfig load(Path dir, Map<String, String> overrides) {
    Map<String, String> merged = new HashMap<>(EnvFile.read(dir.resolve(".env")));
    merged.putAll(System.getenv());
    merged.putAll(overrides);
    return new ServiceConfig(merged);
  }

  /** {@code PORT}: the HTTP port; 0 picks a free one. */
  public int port() {
    return port;
  }

  /** {@code HOST}: the address the API listens on; unset, 127.0.0.1 without a token, else 0.0.0.0. */
  public String host() {
    return host;
  }

  /** Whether {@code HOST} was set, rather than chosen from whether a token protects the API. */
  public boolean hostSet() {
    return hostSet;
  }

  /** {@code SANDBOX}: whether ffmpeg runs inside bubblewrap. */
  public Sandbox sandbox() {
    return sandbox;
  }

  /** {@code NUM_WORKERS}: tasks this process runs at once; 0 for an API that only submits. */
  public int numWorkers() {
    return numWorkers;
  }

  /** {@code QUEUE_BACKEND}, lowercase: the name of the backend. */
  public String queueBackend() {
    return queueBackend;
  }

  /** {@code MAX_QUEUE}: the most pending tasks. */
  public int maxQueue() {
    return maxQueue;
  }

  /** {@code TASK_TIMEOUT}: how long an attempt may run when its request sets no timeout. */
  public Duration taskTimeout() {
    return taskTimeout;
  }

  /** {@code OUTPUT_DIR}: the local storage root, used when no S3 bucket is set. */
  public Path outputDir() {
    return outputDir;
  }

  /** {@code WORK_DIR}: the workspace root, or {@code null} for the queue's default. */
  public Path workDir() {
    return workDir;
  }

  /** The S3 settings, or {@code null} when {@code S3_BUCKET} is empty. */
  public S3Settings s3() {
    return s3;
  }

  /** {@code INPUT_ALLOWED_HOSTS}: hosts and CIDRs inputs may come from although private. */
  public List<String> inputAllowedHosts() {
    return inputAllowedHosts;
  }

  /** {@code INPUT_ALLOWED_DIRS}: the folders {@code file:} inputs may come from; empty refuses them. */
  public List<Path> inputAllowedDirs() {
    return inputAllowedDirs;
  }

  /** {@code WEBHOOK_URL}: the webhook of tasks that name none, or {@code null}. */
  public URI webhookUrl() {
    return webhookUrl;
  }

  /** {@code WEBHOOK_SECRET}, or {@code null} when webhooks go unsigned. Never log it. */
  public String webhookSecret() {
    String s = env.text("WEBHOOK_SECRET");
    return s.isEmpty() ? null : s;
  }

  /** {@code WEBHOOK_ALLOWED_HOSTS}: hosts and CIDRs webhooks may go to although private. */
  public List<String> webhookAllowedHosts() {
    return webhookAllowedHosts;
  }

  /** {@code API_TOKEN}, or {@code null} when the API is open. */
  public String apiToken() {
    return apiToken;
  }

  /** {@code LOG_LEVEL}, lowercase: trace, debug, info, warn or error. */
  public String logLevel() {
    return logLevel;
  }

  /** {@code HTTP_THREADS}: the threads that serve requests. */
  public int httpThreads() {
    return httpThreads;
  }

  /** {@code MAX_OUTPUT_FILES} and {@code MAX_OUTPUT_BYTES}: how much one task may write. */
  public OutputLimits outputLimits() {
    return outputLimits;
  }

  /** {@code DRAIN_TIMEOUT}: at shutdown, how long running tasks may finish before they are released. */
  public Duration drainTimeout() {
    return drainTimeout;
  }

  /**
   * The raw value of a variable of {@link Variables#READ} (trimmed; a default when it has one), or
   * {@code null}: for parts that bring their own variables, such as a backend reading {@code DATABASE_URL}.
   *
   * @throws IllegalArgumentException when {@code name} is not in {@link Variables#READ}
   */
  public String variable(String name) {
    String s = env.text(name);
    return s.isEmpty() ? null : s;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("ServiceConfig[");
    for (Variable var : Variables.READ) {
      String s = env.text(var.name());
      if (s != null && !s.isEmpty()) {
        b.append(var.name()).append('=').append(var.secret() ? "***" : s).append(", ");
      }
    }
    return b.substring(0, b.length() - 2) + "]";
  }

  /** {@code API_TOKENS}: token to the tenant it stands for; empty when there are none. */
  public Map<String, String> tenantTokens() {
    return tenantTokens;
  }

  /** {@code TENANT_MAX_RUNNING}, {@code TENANT_RATE}, {@code TENANT_BURST} as limits for every tenant. */
  public TenantLimits tenantLimits() {
    return tenantLimits;
  }

  private Map<String, String> parseTenantTokens() {
    String all = env.text("API_TOKENS");
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (all.isBlank()) {
      return Map.of();
    }
    int n = 0;
    for (String entry : all.split(",")) {
      n++;
      int colon = entry.indexOf(':');
      String tenant = colon < 0 ? "" : entry.substring(0, colon).strip();
      String token = colon < 0 ? "" : entry.substring(colon + 1).strip();
      // The values are secrets: name the entry by position and tenant, never show a token.
      try {
        TaskRequest.checkTenant(tenant);
      } catch (RuntimeException e) {
        throw new ConfigException("API_TOKENS", "entry " + n + " must be 'tenant:token' with a tenant of 1 to 64"
            + " characters [A-Za-z0-9_.-]");
      }
      if (token.length() < 16 || !token.chars().allMatch(c -> c > 32 && c < 127 && c != ',')) {
        throw new ConfigException("API_TOKENS", "the token of tenant '" + tenant
            + "' must be at least 16 printable characters without spaces or commas");
      }
      if (out.put(token, tenant) != null || token.equals(apiToken)) {
        throw new ConfigException("API_TOKENS", "the token of tenant '" + tenant + "' is used twice");
      }
    }
    return Map.copyOf(out);
  }

  private TenantLimits parseTenantLimits() {
    int maxRunning = env.integer("TENANT_MAX_RUNNING", 0, 1_000_000);
    double rate;
    try {
      rate = Double.parseDouble(env.text("TENANT_RATE"));
    } catch (NumberFormatException e) {
      rate = -1;
    }
    if (!(rate >= 0) || rate > 1_000_000) {
      throw new ConfigException("TENANT_RATE", "must be a number of registrations per second from 0 (no limit)"
          + " to 1000000, got '" + env.text("TENANT_RATE") + "'");
    }
    int burst = env.integer("TENANT_BURST", 1, 1_000_000);
    TenantLimits.Builder b = TenantLimits.builder().maxRunning(maxRunning);
    if (rate > 0) {
      b.rate(rate, burst);
    }
    return b.build();
  }

  private String parseApiToken() {
    String token = env.text("API_TOKEN");
    if (token.isEmpty()) {
      return null;
    }
    if (token.length() < 16 || !token.chars().allMatch(c -> c > 32 && c < 127)) {
      // The value is a secret: say what is wrong with it, never what it is.
      throw new ConfigException("API_TOKEN", "must be at least 16 printable characters without spaces"
          + " (e.g. the output of 'openssl rand -hex 32')");
    }
    return token;
  }

  private S3Settings parseS3() {
    String bucket = env.text("S3_BUCKET");
    String keyId = env.text("AWS_ACCESS_KEY_ID");
    String secret = env.text("AWS_SECRET_ACCESS_KEY");
    if (keyId.isEmpty() != secret.isEmpty()) {
      throw new ConfigException(keyId.isEmpty() ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
          "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together (or both left empty for the default chain)");
    }
    URI endpoint = null;
    String e = env.text("S3_ENDPOINT");
    if (!e.isEmpty()) {
      try {
        endpoint = new URI(e);
      } catch (URISyntaxException ex) {
        endpoint = null;
      }
      if (endpoint == null || endpoint.getHost() == null
          || !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))) {
        throw new ConfigException("S3_ENDPOINT", "must be an http:// or https:// URL, got '" + e + "'");
      }
    }
    if (bucket.isEmpty()) {
      return null;
    }
    if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new ConfigException("S3_BUCKET", "'" + bucket + "' is not a valid bucket name (3 to 63 of a-z, 0-9, '.', '-')");
    }
    String prefix = env.text("S3_PREFIX").replaceAll("^/+|/+$", "");
    return new S3Settings(bucket, endpoint, prefix, env.text("AWS_REGION"), keyId.isEmpty() ? null : keyId,
        secret.isEmpty() ? null : secret);
  }
}
