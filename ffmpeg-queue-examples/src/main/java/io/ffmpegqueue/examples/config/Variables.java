package io.ffmpegqueue.examples.config;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one list of the service's environment variables. {@link ServiceConfig} reads through it alone (a name
 * that is not listed here cannot be read), and {@code .env.example}, docs/configuration.md and
 * docs/service.md list the same names: {@code ConfigurationReferenceTest} fails when they disagree.
 */
public final class Variables {
  /** Every variable the service reads, with its default; {@code .env.example} lists the same. */
  public static final List<Variable> READ = List.of(
      new Variable("PORT", "8000", "HTTP port of the API (0 picks a free one)", false),
      new Variable("HOST", "", "address the API listens on; unset: 0.0.0.0 with API_TOKEN or API_TOKENS, else 127.0.0.1 only", false),
      new Variable("NUM_WORKERS", "2", "tasks run at once in this process; 0 = API only", false),
      new Variable("SANDBOX", "auto", "bubblewrap around ffmpeg: auto (if it works here), required, none", false),
      new Variable("QUEUE_BACKEND", "memory", "where tasks live: memory (this process only), postgres or redis", false),
      new Variable("DATABASE_URL", "", "the shared backend's database, for QUEUE_BACKEND=postgres", true),
      new Variable("REDIS_URL", "", "the shared backend's Redis, for QUEUE_BACKEND=redis: redis://[user:pass@]host:port/db", true),
      new Variable("REDIS_CLUSTER", "false", "true when REDIS_URL is a seed node of a Redis Cluster", false),
      new Variable("MAX_QUEUE", "10000", "most pending tasks; past it registration answers 503", false),
      new Variable("MAX_OUTPUT_FILES", "20000", "most files one task may write (folders, sequences); past it the task fails", false),
      new Variable("MAX_OUTPUT_BYTES", "68719476736", "most bytes one task's outputs may hold (64 GiB); past it the task fails", false),
      new Variable("TASK_TIMEOUT", "3600", "how long one attempt may run: seconds, or 90s, 15m, 2h", false),
      new Variable("OUTPUT_DIR", "./ffmpeg-outputs", "local storage root for outputs when S3_BUCKET is empty", false),
      new Variable("WORK_DIR", "", "where task workspaces are made (default: the temp folder)", false),
      new Variable("S3_BUCKET", "", "store outputs in this S3 bucket instead of OUTPUT_DIR", false),
      new Variable("S3_ENDPOINT", "", "S3-compatible endpoint (MinIO, R2, ...); empty for AWS", false),
      new Variable("S3_PREFIX", "ffmpeg-outputs", "key prefix: s3://{bucket}/{prefix}/{task_id}/{name}", false),
      new Variable("AWS_ACCESS_KEY_ID", "", "S3 credentials; empty for the SDK's default chain", false),
      new Variable("AWS_SECRET_ACCESS_KEY", "", "S3 credentials; empty for the SDK's default chain", true),
      new Variable("AWS_SESSION_TOKEN", "", "S3 session token, with the two above, for temporary credentials", true),
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

  /**
   * Variables the service does not read itself but documents beside its own: the library's ffmpeg locator
   * reads these from the process environment (not from {@code .env}).
   */
  public static final List<String> PROCESS_ENVIRONMENT = List.of("FFMPEG_PATH", "FFPROBE_PATH");

  private static final Set<String> NAMES = READ.stream().map(Variable::name).collect(Collectors.toUnmodifiableSet());

  private Variables() {}

  /** Whether {@code name} is one of {@link #READ}. */
  public static boolean isRead(String name) {
    return NAMES.contains(name);
  }

  /** The names of {@link #READ}, in order. */
  public static List<String> names() {
    return READ.stream().map(Variable::name).toList();
  }
}
