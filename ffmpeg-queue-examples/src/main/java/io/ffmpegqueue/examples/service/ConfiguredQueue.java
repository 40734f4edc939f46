package io.ffmpegqueue.examples.service;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.FfmpegQueueException;
import io.ffmpegqueue.WebhookSettings;
import io.ffmpegqueue.amqp.AmqpBridge;
import io.ffmpegqueue.amqp.AmqpSettings;
import io.ffmpegqueue.examples.config.ConfigException;
import io.ffmpegqueue.examples.config.ServiceConfig;
import io.ffmpegqueue.ffmpeg.ProcessFfmpegRunner;
import io.ffmpegqueue.ffmpeg.Sandbox;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.io.HttpInputFetcher;
import io.ffmpegqueue.io.InputFetcher;
import io.ffmpegqueue.io.LocalStorage;
import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.s3.S3Settings;
import io.ffmpegqueue.spi.QueueBackend;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The one place that turns the configuration into an {@link FfmpegQueue}: the backend
 * ({@code QUEUE_BACKEND}), the storage ({@code S3_*} or {@code OUTPUT_DIR}), the input fetchers
 * ({@code INPUT_ALLOWED_HOSTS}, {@code INPUT_ALLOWED_DIRS}), timeouts and workers, and the RabbitMQ bridge
 * ({@code AMQP_*}). The server and the
 * standalone worker both start from here, so they serve the same queue the same way.
 */
public final class ConfiguredQueue implements AutoCloseable {
  private final FfmpegQueue queue;
  private final QueueBackend backend;
  private final BackendFactory backendFactory;
  private final Storage storage;
  private final AmqpBridge amqp;
  private WorkerHeartbeat heartbeat;
  private boolean closed;

  private ConfiguredQueue(FfmpegQueue queue, QueueBackend backend, BackendFactory factory, Storage storage,
      AmqpBridge amqp) {
    this.queue = queue;
    this.backend = backend;
    this.backendFactory = factory;
    this.storage = storage;
    this.amqp = amqp;
  }

  /**
   * Builds and starts the queue of a process that does {@code load}: its workers, and a backend sized
   * for them (and for its request threads in the API process).
   *
   * @param customizer runs last on the builder: tests put a fake runner or handler in here, hosts their
   *     own listeners
   * @throws ConfigException naming the variable when a part cannot be made from the configuration
   */
  public static ConfiguredQueue open(ServiceConfig config, ProcessLoad load, Consumer<FfmpegQueue.Builder> customizer) {
    int workers = load.workers();
    BackendFactory factory = Backends.forName(config.queueBackend());
    QueueBackend backend = factory.create(config, load);
    try {
      FfmpegQueue.Builder b = FfmpegQueue.builder()
          .backend(backend)
          .workers(workers)
          .defaultTimeout(config.taskTimeout())
          .drainTimeout(config.drainTimeout())
          .outputLimits(config.outputLimits())
          .tenantLimits(config.tenantLimits());
      for (InputFetcher f : fetchers(config)) {
        b.fetcher(f);
      }
      // Every process delivers: deliveries are stored in the backend and claimed, so each is made once. Every
      // backend the service offers stores them (a WebhookOutbox), so a task's webhook_url is never dropped.
      WebhookSettings.Builder hooks = WebhookSettings.builder().secret(config.webhookSecret());
      config.webhookAllowedHosts().forEach(hooks::allowHost);
      b.webhooks(hooks.build());
      Storage storage = null;
      if (workers > 0) {
        storage = storage(config);
        b.storage(storage);
        if (config.workDir() != null) {
          b.workspaceRoot(writableFolder("WORK_DIR", config.workDir()));
        }
        if (config.sandbox() != Sandbox.AUTO) { // AUTO is the default runner's own
          b.runner(runner(config.sandbox()));
        }
      }
      customizer.accept(b);
      AmqpSettings amqpSettings = amqpSettings(config);
      FfmpegQueue queue = b.build();
      AmqpBridge amqp;
      try {
        amqp = amqpSettings == null ? null : AmqpBridge.start(queue, amqpSettings);
      } catch (RuntimeException e) {
        queue.close();
        throw e;
      }
      ConfiguredQueue q = new ConfiguredQueue(queue, backend, factory, storage, amqp);
      if (workers > 0) {
        backend.workerRegistry().ifPresent(r -> q.heartbeat = WorkerHeartbeat.start(r, queue, workers));
      }
      return q;
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
  }

  private static ProcessFfmpegRunner runner(Sandbox sandbox) {
    try {
      return ProcessFfmpegRunner.builder().sandbox(sandbox).build();
    } catch (FfmpegQueueException e) {
      throw new ConfigException("SANDBOX", "is " + sandbox.name().toLowerCase(java.util.Locale.ROOT) + ", but "
          + e.getMessage().replaceFirst("^Sandbox\\.REQUIRED, but ", ""));
    }
  }

  /** The broker settings of the {@code AMQP_*} variables, or {@code null} without {@code AMQP_URL}. */
  static AmqpSettings amqpSettings(ServiceConfig config) {
    Map<String, String> env = new HashMap<>();
    for (String name : List.of(AmqpSettings.URL, AmqpSettings.CELERY_QUEUE, AmqpSettings.CELERY_TASK,
        AmqpSettings.REGISTER_QUEUE, AmqpSettings.EVENTS_EXCHANGE, AmqpSettings.DEAD_LETTER_QUEUE,
        AmqpSettings.PREFETCH)) {
      String v = config.variable(name);
      if (v != null) {
        env.put(name, v);
      }
    }
    try {
      return AmqpSettings.fromEnv(env).orElse(null);
    } catch (IllegalArgumentException e) {
      // Its message starts with the variable's name, and never holds the password.
      String m = String.valueOf(e.getMessage());
      int colon = m.indexOf(':');
      throw new ConfigException(colon > 0 ? m.substring(0, colon) : AmqpSettings.URL,
          colon > 0 ? m.substring(colon + 1).trim() : m);
    }
  }

  /** The RabbitMQ bridge, or {@code null} without {@code AMQP_URL}. */
  public AmqpBridge amqp() {
    return amqp;
  }

  /** Where outputs go: S3 when {@code S3_BUCKET} is set, else a local folder. */
  static Storage storage(ServiceConfig config) {
    if (config.s3() != null) {
      return s3Settings(config).storageBuilder().build();
    }
    return LocalStorage.at(writableFolder("OUTPUT_DIR", config.outputDir()));
  }

  /**
   * {@code dir}, made when missing: a folder the service cannot make or write to stops start-up naming
   * {@code variable}, instead of failing every task later.
   */
  static Path writableFolder(String variable, Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (NoSuchFileException e) {
      throw new ConfigException(variable, "cannot create the folder " + dir.toAbsolutePath()
          + ": a folder above it is missing and cannot be made there");
    } catch (FileAlreadyExistsException e) {
      throw new ConfigException(variable, "cannot create the folder " + dir.toAbsolutePath()
          + ": a file is in the way (" + e.getFile() + ")");
    } catch (AccessDeniedException e) {
      throw new ConfigException(variable, "cannot create the folder " + dir.toAbsolutePath() + ": permission denied");
    } catch (IOException | SecurityException e) {
      throw new ConfigException(variable, "cannot create the folder " + dir.toAbsolutePath() + ": " + e.getMessage());
    }
    if (!Files.isWritable(dir)) {
      throw new ConfigException(variable, "the folder " + dir.toAbsolutePath() + " is not writable by this process");
    }
    return dir;
  }

  private static Path[] existingFolders(String variable, List<Path> dirs) {
    for (Path d : dirs) {
      if (!Files.isDirectory(d)) {
        throw new ConfigException(variable, d.toAbsolutePath() + " is not an existing folder");
      }
    }
    return dirs.toArray(Path[]::new);
  }

  /** Where inputs may come from; a scheme without a fetcher is refused when a task is registered. */
  static List<InputFetcher> fetchers(ServiceConfig config) {
    List<InputFetcher> out = new ArrayList<>();
    // http and https, behind the SSRF guard: private and loopback addresses only when INPUT_ALLOWED_HOSTS
    // lists them.
    out.add(HttpInputFetcher.builder().allowHosts(config.inputAllowedHosts()).build());
    if (config.s3() != null) {
      out.add(s3Settings(config).inputFetcherBuilder().build()); // s3:// inputs from the same bucket
    }
    if (!config.inputAllowedDirs().isEmpty()) {
      out.add(FileInputFetcher.allowing(existingFolders("INPUT_ALLOWED_DIRS", config.inputAllowedDirs())));
    }
    return out;
  }

  private static S3Settings s3Settings(ServiceConfig config) {
    Map<String, String> env = new HashMap<>();
    for (String name : List.of(S3Settings.BUCKET, S3Settings.ACCESS_KEY_ID, S3Settings.SECRET_ACCESS_KEY,
        S3Settings.SESSION_TOKEN, S3Settings.REGION, S3Settings.ENDPOINT, S3Settings.PREFIX)) {
      String v = config.variable(name);
      if (v != null) {
        env.put(name, v);
      }
    }
    try {
      return S3Settings.fromEnv(env).orElseThrow(() -> new ConfigException(S3Settings.BUCKET, "is not set"));
    } catch (IllegalArgumentException e) {
      // Its message starts with the variable's name, and never holds a secret.
      String m = String.valueOf(e.getMessage());
      int colon = m.indexOf(':');
      String variable = colon > 0 && m.substring(0, colon).matches("[A-Z0-9_]+") ? m.substring(0, colon) : "S3_BUCKET";
      throw new ConfigException(variable, colon > 0 ? m.substring(colon + 1).trim() : m);
    }
  }

  /** The queue. */
  public FfmpegQueue queue() {
    return queue;
  }

  /** The queue's backend. */
  public QueueBackend backend() {
    return backend;
  }

  /** The backend's factory (its name, whether it is shared). */
  public BackendFactory backendFactory() {
    return backendFactory;
  }

  /** The storage, for the start-up log line ({@code -} when this process runs no workers). */
  public String storageDescription() {
    return storage == null ? "-" : storage.toString();
  }

  /** Where this process's workers store outputs, or {@code null} when it runs none. */
  public Storage storage() {
    return storage;
  }

  /**
   * Stops the RabbitMQ intake, drains and closes the queue (see {@link FfmpegQueue#close()}), publishes the
   * last events and results, then closes the backend; once.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (amqp != null) {
        amqp.stopIntake(); // no new tasks; the events of the draining ones are still published
      }
      if (heartbeat != null) {
        heartbeat.close();
      }
      queue.close();
    } finally {
      if (amqp != null) {
        amqp.close();
      }
      backend.close();
    }
  }
}
