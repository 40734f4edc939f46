package io.ffmpegqueue.spring.boot;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code ffmpeg.queue.*} properties that {@link FfmpegQueueAutoConfiguration} builds the queue from.
 * Every property has a default; docs/spring-boot.md lists them.
 *
 * <pre>{@code
 * ffmpeg.queue.workers=4
 * ffmpeg.queue.storage.local.root=/var/lib/app/ffmpeg-outputs
 * ffmpeg.queue.input.allowed-folders=/var/lib/app/uploads
 * }</pre>
 */
@ConfigurationProperties(prefix = "ffmpeg.queue")
public class FfmpegQueueProperties {
  /** Where tasks live. */
  public enum BackendType {
    /** In this process's memory: tasks are lost when it stops. */
    MEMORY,
    /** PostgreSQL, on the application's {@code DataSource} (needs ffmpeg-queue-postgres). */
    POSTGRES,
    /** Redis, at {@code ffmpeg.queue.redis.url} (needs ffmpeg-queue-redis). */
    REDIS
  }

  /** Where outputs go. */
  public enum StorageType {
    /** A local folder ({@code ffmpeg.queue.storage.local.root}). */
    LOCAL,
    /** An S3 bucket (needs ffmpeg-queue-s3). */
    S3
  }

  private int workers = 2;
  private BackendType backend;
  private Duration drainTimeout = Duration.ofSeconds(30);
  private Duration defaultTimeout = Duration.ofHours(1);
  private Duration leaseDuration = Duration.ofSeconds(60);
  private Path workspaceRoot;
  private final Input input = new Input();
  private final Storage storage = new Storage();
  private final Postgres postgres = new Postgres();
  private final Redis redis = new Redis();

  /** Worker threads in this process; 0 makes it submit-only. Default 2. */
  public int getWorkers() {
    return workers;
  }

  /** Sets {@link #getWorkers()}. */
  public void setWorkers(int workers) {
    this.workers = workers;
  }

  /**
   * The backend; unset means {@code redis} when {@code ffmpeg.queue.redis.url} is set, else {@code postgres}
   * when ffmpeg-queue-postgres is on the class path and the application has a {@code DataSource}, else
   * {@code memory}.
   */
  public BackendType getBackend() {
    return backend;
  }

  /** Sets {@link #getBackend()}. */
  public void setBackend(BackendType backend) {
    this.backend = backend;
  }

  /** How long shutdown lets running tasks finish before it gives them back to the queue. Default 30 s. */
  public Duration getDrainTimeout() {
    return drainTimeout;
  }

  /** Sets {@link #getDrainTimeout()}. */
  public void setDrainTimeout(Duration drainTimeout) {
    this.drainTimeout = drainTimeout;
  }

  /** How long one attempt may run unless the task says otherwise. Default 1 h. */
  public Duration getDefaultTimeout() {
    return defaultTimeout;
  }

  /** Sets {@link #getDefaultTimeout()}. */
  public void setDefaultTimeout(Duration defaultTimeout) {
    this.defaultTimeout = defaultTimeout;
  }

  /** How long a worker's claim on a task lasts without a heartbeat. Default 60 s. */
  public Duration getLeaseDuration() {
    return leaseDuration;
  }

  /** Sets {@link #getLeaseDuration()}. */
  public void setLeaseDuration(Duration leaseDuration) {
    this.leaseDuration = leaseDuration;
  }

  /** The folder for the tasks' working folders; unset means {@code ffmpeg-queue/work} in the temp folder. */
  public Path getWorkspaceRoot() {
    return workspaceRoot;
  }

  /** Sets {@link #getWorkspaceRoot()}. */
  public void setWorkspaceRoot(Path workspaceRoot) {
    this.workspaceRoot = workspaceRoot;
  }

  /** {@code ffmpeg.queue.input.*}. */
  public Input getInput() {
    return input;
  }

  /** {@code ffmpeg.queue.storage.*}. */
  public Storage getStorage() {
    return storage;
  }

  /** {@code ffmpeg.queue.postgres.*}. */
  public Postgres getPostgres() {
    return postgres;
  }

  /** {@code ffmpeg.queue.redis.*}. */
  public Redis getRedis() {
    return redis;
  }

  /** Where inputs may come from besides http(s) URLs. */
  public static class Input {
    private List<Path> allowedFolders = new ArrayList<>();

    /** Folders whose files tasks may name as {@code file:} inputs. Default none. */
    public List<Path> getAllowedFolders() {
      return allowedFolders;
    }

    /** Sets {@link #getAllowedFolders()}. */
    public void setAllowedFolders(List<Path> allowedFolders) {
      this.allowedFolders = allowedFolders;
    }
  }

  /** Where outputs are stored. */
  public static class Storage {
    private StorageType type = StorageType.LOCAL;
    private final Local local = new Local();
    private final S3 s3 = new S3();

    /** {@code local} (default) or {@code s3}. */
    public StorageType getType() {
      return type;
    }

    /** Sets {@link #getType()}. */
    public void setType(StorageType type) {
      this.type = type;
    }

    /** {@code ffmpeg.queue.storage.local.*}. */
    public Local getLocal() {
      return local;
    }

    /** {@code ffmpeg.queue.storage.s3.*}. */
    public S3 getS3() {
      return s3;
    }
  }

  /** A local output folder. */
  public static class Local {
    private Path root = Path.of("ffmpeg-outputs");

    /** Outputs go to {@code {root}/{task_id}/}. Default {@code ffmpeg-outputs} in the working folder. */
    public Path getRoot() {
      return root;
    }

    /** Sets {@link #getRoot()}. */
    public void setRoot(Path root) {
      this.root = root;
    }
  }

  /** An S3 bucket; credentials and region come from the AWS SDK's default chains unless set here. */
  public static class S3 {
    private String bucket;
    private String prefix = "ffmpeg-outputs";
    private String region;
    private URI endpoint;
    private boolean pathStyleAccess;
    private String accessKeyId;
    private String secretAccessKey;

    /** The bucket; required with {@code storage.type=s3}. */
    public String getBucket() {
      return bucket;
    }

    /** Sets {@link #getBucket()}. */
    public void setBucket(String bucket) {
      this.bucket = bucket;
    }

    /** Outputs go to {@code {prefix}/{task_id}/}. Default {@code ffmpeg-outputs}. */
    public String getPrefix() {
      return prefix;
    }

    /** Sets {@link #getPrefix()}. */
    public void setPrefix(String prefix) {
      this.prefix = prefix;
    }

    /** The region; unset means the SDK's default region chain. */
    public String getRegion() {
      return region;
    }

    /** Sets {@link #getRegion()}. */
    public void setRegion(String region) {
      this.region = region;
    }

    /** An S3-compatible endpoint (MinIO, ...); unset means AWS. */
    public URI getEndpoint() {
      return endpoint;
    }

    /** Sets {@link #getEndpoint()}. */
    public void setEndpoint(URI endpoint) {
      this.endpoint = endpoint;
    }

    /** Path-style URLs (most S3-compatible servers want them). Default false. */
    public boolean isPathStyleAccess() {
      return pathStyleAccess;
    }

    /** Sets {@link #isPathStyleAccess()}. */
    public void setPathStyleAccess(boolean pathStyleAccess) {
      this.pathStyleAccess = pathStyleAccess;
    }

    /** A static access key id (with {@link #getSecretAccessKey()}); unset means the SDK's chain. */
    public String getAccessKeyId() {
      return accessKeyId;
    }

    /** Sets {@link #getAccessKeyId()}. */
    public void setAccessKeyId(String accessKeyId) {
      this.accessKeyId = accessKeyId;
    }

    /** The secret for {@link #getAccessKeyId()}. */
    public String getSecretAccessKey() {
      return secretAccessKey;
    }

    /** Sets {@link #getSecretAccessKey()}. */
    public void setSecretAccessKey(String secretAccessKey) {
      this.secretAccessKey = secretAccessKey;
    }
  }

  /** The PostgreSQL backend's tables. */
  public static class Postgres {
    private String schema = "public";
    private String tablePrefix = "ffq_";
    private boolean migrate = true;

    /** The schema of the queue's tables. Default {@code public}. */
    public String getSchema() {
      return schema;
    }

    /** Sets {@link #getSchema()}. */
    public void setSchema(String schema) {
      this.schema = schema;
    }

    /** The prefix of the queue's table names. Default {@code ffq_}. */
    public String getTablePrefix() {
      return tablePrefix;
    }

    /** Sets {@link #getTablePrefix()}. */
    public void setTablePrefix(String tablePrefix) {
      this.tablePrefix = tablePrefix;
    }

    /** Create or upgrade the tables at start-up. Default true. */
    public boolean isMigrate() {
      return migrate;
    }

    /** Sets {@link #isMigrate()}. */
    public void setMigrate(boolean migrate) {
      this.migrate = migrate;
    }
  }

  /** The Redis backend's server and keys. */
  public static class Redis {
    private String url;
    private boolean cluster;
    private String prefix = "ffq";

    /**
     * The server: {@code redis://[user:password@]host:port/db}, {@code rediss://} for TLS. Setting it chooses
     * the Redis backend unless {@code ffmpeg.queue.backend} says otherwise.
     */
    public String getUrl() {
      return url;
    }

    /** Sets {@link #getUrl()}. */
    public void setUrl(String url) {
      this.url = url;
    }

    /** The URL is a seed node of a Redis Cluster. Default false. */
    public boolean isCluster() {
      return cluster;
    }

    /** Sets {@link #isCluster()}. */
    public void setCluster(boolean cluster) {
      this.cluster = cluster;
    }

    /** The queue's key prefix: every key is {@code {prefix}:...}; queues share a Redis by prefix. Default ffq. */
    public String getPrefix() {
      return prefix;
    }

    /** Sets {@link #getPrefix()}. */
    public void setPrefix(String prefix) {
      this.prefix = prefix;
    }
  }
}
