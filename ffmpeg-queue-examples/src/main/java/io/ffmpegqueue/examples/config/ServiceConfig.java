package io.ffmpegqueue.examples.config;

import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TenantLimits;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service's configuration: the environment, over an optional {@code .env} file in the working
 * folder (the environment wins). Every variable has a default, so an empty environment gives the embedded
 * set-up: in-memory queue, local storage under {@code ./ffmpeg-outputs}, 2 workers, port 8000. An invalid
 * value stops start-up with a {@link ConfigException} that names the variable.
 *
 * <pre>{@code
 * ServiceConfig config = ServiceConfig.load(Path.of(""));       // env + ./.env
 * ServiceConfig test = ServiceConfig.from(Map.of("PORT", "0")); // exactly these variables
 * }</pre>
 */
public final class ServiceConfig {
  /** Every variable the service reads, with its default; {@code .env.example} lists the same. */
  public static final List<Variable> VARIABLES = List.of(
      new Variable("PORT", "8000", "HTTP port of the API (0 picks a free one)", false),
      new Variable("HOST", "0.0.0.0", "address the API listens on", false),
      new Variable("NUM_WORKERS", "2", "tasks run at once in this process; 0 = API only", false),
      new Variable("QUEUE_BACKEND", "memory", "where tasks live: memory (this process only)", false),
      new Variable("DATABASE_URL", "", "the shared backend's database, for QUEUE_BACKEND=postgres", true),
      new Variable("MAX_QUEUE", "10000", "most pending tasks; past it registration answers 503", false),
      new Variable("TASK_TIMEOUT", "3600", "how long one attempt may run: seconds, or 90s, 15m, 2h", false),
      new Variable("OUTPUT_DIR", "./ffmpeg-outputs", "local storage root for outputs when S3_BUCKET is empty", false),
      new Variable("WORK_DIR", "", "where task workspaces are made (default: the temp folder)", false),
      new Variable("S3_BUCKET", "", "store outputs in this S3 bucket instead of OUTPUT_DIR", false),
      new Variable("S3_ENDPOINT", "", "S3-compatible endpoint (MinIO, R2, ...); empty for AWS", false),
      new Variable("S3_PREFIX", "ffmpeg-outputs", "key prefix: s3://{bucket}/{prefix}/{task_id}/{name}", false),
      new Variable("AWS_ACCESS_KEY_ID", "", "S3 credentials; empty for the SDK's default chain", false),
      new Variable("AWS_SECRET_ACCESS_KEY", "", "S3 credentials; empty for the SDK's default chain", true),
      new Variable("AWS_REGION", "us-east-1", "S3 region", false),
      new Variable("INPUT_ALLOWED_HOSTS", "", "hosts or CIDRs that inputs may come from although private (comma separated)", false),
      new Variable("INPUT_ALLOWED_DIRS", "", "folders that file: inputs may come from (comma separated); empty = none", false),
      new Variable("API_TOKEN", "", "when set, every endpoint but /health needs 'Authorization: Bearer <token>'", true),
      new Variable("WEBHOOK_URL", "", "the webhook URL of tasks that name no webhook_url; empty = none", false),
      new Variable("WEBHOOK_SECRET", "", "HMAC-SHA256 key that signs webhooks (X-FFQ-Signature)", true),
      new Variable("WEBHOOK_ALLOWED_HOSTS", "", "hosts or CIDRs webhooks may go to although private (comma separated)", false),
      new Variable("API_TOKENS", "", "tenant-bound tokens, 'tenant:token,tenant:token'; a task registered with one belongs to its tenant", true),
      new Variable("TENANT_MAX_RUNNING", "0", "the most running tasks per tenant (0: no limit)", false),
      new Variable("TENANT_RATE", "0", "registrations per second per tenant, per API process (0: no limit)", false),
      new Variable("TENANT_BURST", "10", "registrations a tenant may make at once after a quiet spell", false),
      new Variable("LOG_LEVEL", "info", "trace, debug, info, warn or error", false),
      new Variable("HTTP_THREADS", "16", "threads that serve HTTP requests", false),
      new Variable("DRAIN_TIMEOUT", "30", "at shutdown, how long running tasks may finish before they are released", false),
      new Variable("AMQP_URL", "", "RabbitMQ, amqp://user:pass@host:port/vhost (amqps:// for TLS); empty = no broker", true),
      new Variable("AMQP_CELERY_QUEUE", "celery", "the queue Celery clients send tasks to", false),
      new Variable("AMQP_CELERY_TASK", "ffmpeg.run", "the Celery task name (app.send_task(name, kwargs=...))", false),
      new Variable("AMQP_REGISTER_QUEUE", "ffmpeg.register", "the queue of plain JSON register messages", false),
      new Variable("AMQP_EVENTS_EXCHANGE", "ffmpeg.events", "the topic exchange every task event goes to (task.<type>)", false),
      new Variable("AMQP_DEAD_LETTER_QUEUE", "ffmpeg.dead-letter", "where invalid messages go, with the reason", false),
      new Variable("AMQP_PREFETCH", "64", "unacknowledged request messages per queue", false));

  private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error");
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
  private static final Pattern HOST_ENTRY = Pattern.compile("[A-Za-z0-9.:*\\[\\]/_-]+");

  private final Map<String, String> values;
  private final int port;
  private final String host;
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

  private ServiceConfig(Map<String, String> env) {
    Map<String, String> v = new HashMap<>();
    for (Variable var : VARIABLES) {
      v.put(var.name(), var.defaultValue());
    }
    env.forEach((k, val) -> {
      if (val != null && !val.isBlank()) {
        v.put(k, val.strip());
      }
    });
    this.values = Map.copyOf(v);
    this.port = integer("PORT", 0, 65_535);
    this.host = text("HOST");
    this.numWorkers = integer("NUM_WORKERS", 0, 1024);
    this.queueBackend = text("QUEUE_BACKEND").toLowerCase(Locale.ROOT);
    if (!queueBackend.matches("[a-z0-9_-]+")) {
      throw new ConfigException("QUEUE_BACKEND", "'" + queueBackend + "' is not a backend name");
    }
    this.maxQueue = integer("MAX_QUEUE", 1, 100_000_000);
    this.taskTimeout = duration("TASK_TIMEOUT", false);
    this.outputDir = path("OUTPUT_DIR");
    this.workDir = text("WORK_DIR").isEmpty() ? null : path("WORK_DIR");
    this.s3 = parseS3();
    this.inputAllowedHosts = hosts();
    this.inputAllowedDirs = paths("INPUT_ALLOWED_DIRS");
    this.apiToken = parseApiToken();
    this.webhookUrl = parseWebhookUrl();
    this.webhookAllowedHosts = hosts("WEBHOOK_ALLOWED_HOSTS");
    this.tenantTokens = parseTenantTokens();
    this.tenantLimits = parseTenantLimits();
    this.logLevel = text("LOG_LEVEL").toLowerCase(Locale.ROOT).replace("warning", "warn");
    if (!LOG_LEVELS.contains(logLevel)) {
      throw new ConfigException("LOG_LEVEL", "'" + text("LOG_LEVEL") + "' is not one of trace, debug, info, warn, error");
    }
    this.httpThreads = integer("HTTP_THREADS", 1, 1024);
    this.drainTimeout = duration("DRAIN_TIMEOUT", true);
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

  /** {@code HOST}: the address the API listens on. */
  public String host() {
    return host;
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
    String s = text("WEBHOOK_SECRET");
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

  /** {@code DRAIN_TIMEOUT}: at shutdown, how long running tasks may finish before they are released. */
  public Duration drainTimeout() {
    return drainTimeout;
  }

  /**
   * The raw value of any variable (trimmed; a default when it has one), or {@code null}: for parts that
   * bring their own variables, such as a backend reading {@code DATABASE_URL}.
   */
  public String variable(String name) {
    String s = values.get(name);
    return s == null || s.isEmpty() ? null : s;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("ServiceConfig[");
    for (Variable var : VARIABLES) {
      String s = values.get(var.name());
      if (s != null && !s.isEmpty()) {
        b.append(var.name()).append('=').append(var.secret() ? "***" : s).append(", ");
      }
    }
    return b.substring(0, b.length() - 2) + "]";
  }

  private String text(String name) {
    return values.getOrDefault(name, "");
  }

  private int integer(String name, int min, int max) {
    String s = text(name);
    try {
      long n = Long.parseLong(s);
      if (n >= min && n <= max) {
        return (int) n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(name, "must be a whole number from " + min + " to " + max + ", got '" + s + "'");
  }

  private Duration duration(String name, boolean zeroAllowed) {
    String s = text(name);
    Duration d = null;
    Matcher m = DURATION.matcher(s);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      d = switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofSeconds(n);
      };
    } else if (s.startsWith("P") || s.startsWith("p")) {
      try {
        d = Duration.parse(s);
      } catch (DateTimeParseException e) {
        d = null;
      }
    }
    if (d == null || d.isNegative() || (d.isZero() && !zeroAllowed)) {
      throw new ConfigException(name, "must be a " + (zeroAllowed ? "" : "positive ")
          + "duration in seconds (3600) or with a unit (90s, 15m, 2h), got '" + s + "'");
    }
    return d;
  }

  private Path path(String name) {
    try {
      return Path.of(text(name));
    } catch (InvalidPathException e) {
      throw new ConfigException(name, "'" + text(name) + "' is not a usable path: " + e.getReason());
    }
  }

  private List<Path> paths(String name) {
    List<Path> out = new ArrayList<>();
    for (String part : text(name).split(",")) {
      if (!part.isBlank()) {
        try {
          out.add(Path.of(part.strip()));
        } catch (InvalidPathException e) {
          throw new ConfigException(name, "'" + part.strip() + "' is not a usable path: " + e.getReason());
        }
      }
    }
    return List.copyOf(out);
  }

  private URI parseWebhookUrl() {
    String u = text("WEBHOOK_URL");
    if (u.isEmpty()) {
      return null;
    }
    try {
      URI uri = new URI(u);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
        throw new ConfigException("WEBHOOK_URL", "must be an absolute http or https URL");
      }
      return uri;
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException("WEBHOOK_URL", "is malformed at index " + e.getIndex() + ": " + e.getReason());
    }
  }

  private List<String> hosts() {
    return hosts("INPUT_ALLOWED_HOSTS");
  }

  private List<String> hosts(String variable) {
    List<String> out = new ArrayList<>();
    for (String part : text(variable).split(",")) {
      String h = part.strip();
      if (h.isEmpty()) {
        continue;
      }
      if (!HOST_ENTRY.matcher(h).matches()) {
        throw new ConfigException(variable, "'" + h + "' is not a host name, address or CIDR");
      }
      out.add(h.toLowerCase(Locale.ROOT));
    }
    return List.copyOf(out);
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
    String all = text("API_TOKENS");
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
    int maxRunning = integer("TENANT_MAX_RUNNING", 0, 1_000_000);
    double rate;
    try {
      rate = Double.parseDouble(text("TENANT_RATE"));
    } catch (NumberFormatException e) {
      rate = -1;
    }
    if (!(rate >= 0) || rate > 1_000_000) {
      throw new ConfigException("TENANT_RATE", "must be a number of registrations per second from 0 (no limit)"
          + " to 1000000, got '" + text("TENANT_RATE") + "'");
    }
    int burst = integer("TENANT_BURST", 1, 1_000_000);
    TenantLimits.Builder b = TenantLimits.builder().maxRunning(maxRunning);
    if (rate > 0) {
      b.rate(rate, burst);
    }
    return b.build();
  }

  private String parseApiToken() {
    String token = text("API_TOKEN");
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
    String bucket = text("S3_BUCKET");
    String keyId = text("AWS_ACCESS_KEY_ID");
    String secret = text("AWS_SECRET_ACCESS_KEY");
    if (keyId.isEmpty() != secret.isEmpty()) {
      throw new ConfigException(keyId.isEmpty() ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
          "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together (or both left empty for the default chain)");
    }
    URI endpoint = null;
    String e = text("S3_ENDPOINT");
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
    String prefix = text("S3_PREFIX").replaceAll("^/+|/+$", "");
    return new S3Settings(bucket, endpoint, prefix, text("AWS_REGION"), keyId.isEmpty() ? null : keyId,
        secret.isEmpty() ? null : secret);
  }
}
