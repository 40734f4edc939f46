package io.ffmpegqueue.spring.boot;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.ffmpeg.FfmpegRunner;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.io.InputFetcher;
import io.ffmpegqueue.io.LocalStorage;
import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.postgres.PostgresQueueBackend;
import io.ffmpegqueue.redis.RedisQueueBackend;
import io.ffmpegqueue.s3.S3Storage;
import io.ffmpegqueue.spi.QueueBackend;
import io.ffmpegqueue.spring.boot.FfmpegQueueProperties.BackendType;
import java.nio.file.Path;
import java.util.Locale;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * Makes an {@link FfmpegQueue} bean from the {@code ffmpeg.queue.*} properties ({@link FfmpegQueueProperties}),
 * with its {@link Storage} (a local folder, or S3 with ffmpeg-queue-s3) and its {@link QueueBackend} (in
 * memory, Redis at {@code ffmpeg.queue.redis.url} with ffmpeg-queue-redis, or PostgreSQL on the application's
 * {@code DataSource} with ffmpeg-queue-postgres). Each bean backs off when the application defines its own of
 * that type: define a {@code QueueBackend} bean to use another backend, an {@link FfmpegRunner} bean to run
 * ffmpeg your way (see {@link io.ffmpegqueue.spring.boot.test.AutoConfigureFakeFfmpegRunner} for tests),
 * {@link InputFetcher} beans for more input schemes, and {@link FfmpegQueueBuilderCustomizer} beans for the rest
 * of the builder.
 *
 * <p>The queue is closed with the application context, after the web server has stopped: running tasks get
 * {@code ffmpeg.queue.drain-timeout} to finish, the rest go back to the queue.
 */
@AutoConfiguration(afterName = "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration")
@EnableConfigurationProperties(FfmpegQueueProperties.class)
public class FfmpegQueueAutoConfiguration {
  /** Used by Spring. */
  public FfmpegQueueAutoConfiguration() {}

  /** The queue with its workers, started; closed (drained) with the context. */
  @Bean
  @ConditionalOnMissingBean
  public FfmpegQueue ffmpegQueue(FfmpegQueueProperties properties, ObjectProvider<QueueBackend> backend,
      ObjectProvider<Storage> storage, ObjectProvider<FfmpegRunner> runner,
      ObjectProvider<InputFetcher> fetchers, ObjectProvider<FfmpegQueueBuilderCustomizer> customizers) {
    FfmpegQueue.Builder builder = FfmpegQueue.builder()
        .workers(properties.getWorkers())
        .drainTimeout(properties.getDrainTimeout())
        .defaultTimeout(properties.getDefaultTimeout())
        .leaseDuration(properties.getLeaseDuration())
        .storage(storage.getIfAvailable(() -> {
          throw new IllegalStateException("ffmpeg.queue.storage.type="
              + properties.getStorage().getType().name().toLowerCase(Locale.ROOT)
              + ": no Storage bean; s3 needs io.ffmpegqueue:ffmpeg-queue-s3 on the class path");
        }));
    QueueBackend theBackend = backend.getIfAvailable();
    if (theBackend != null) {
      builder.backend(theBackend);
    } else if (properties.getBackend() == BackendType.POSTGRES) {
      throw new IllegalStateException("ffmpeg.queue.backend=postgres needs io.ffmpegqueue:ffmpeg-queue-postgres"
          + " on the class path and a DataSource bean");
    } else if (properties.getBackend() == BackendType.REDIS && !StringUtils.hasText(properties.getRedis().getUrl())) {
      throw new IllegalStateException("ffmpeg.queue.backend=redis needs ffmpeg.queue.redis.url");
    } else if (StringUtils.hasText(properties.getRedis().getUrl())
        && (properties.getBackend() == null || properties.getBackend() == BackendType.REDIS)) {
      throw new IllegalStateException("ffmpeg.queue.redis.url is set, but the Redis backend needs"
          + " io.ffmpegqueue:ffmpeg-queue-redis on the class path");
    }
    if (properties.getWorkspaceRoot() != null) {
      builder.workspaceRoot(properties.getWorkspaceRoot());
    }
    if (!properties.getInput().getAllowedFolders().isEmpty()) {
      builder.fetcher(FileInputFetcher.allowing(properties.getInput().getAllowedFolders().toArray(Path[]::new)));
    }
    fetchers.orderedStream().forEach(builder::fetcher);
    runner.ifAvailable(builder::runner);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }

  /** Outputs in {@code ffmpeg.queue.storage.local.root}. */
  @Bean
  @ConditionalOnMissingBean(Storage.class)
  @ConditionalOnProperty(prefix = "ffmpeg.queue.storage", name = "type", havingValue = "local", matchIfMissing = true)
  public LocalStorage ffmpegQueueLocalStorage(FfmpegQueueProperties properties) {
    return LocalStorage.at(properties.getStorage().getLocal().getRoot());
  }

  /** Outputs in an S3 bucket, with ffmpeg-queue-s3 on the class path and {@code storage.type=s3}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.ffmpegqueue.s3.S3Storage")
  @ConditionalOnProperty(prefix = "ffmpeg.queue.storage", name = "type", havingValue = "s3")
  static class S3StorageConfiguration {
    @Bean
    @ConditionalOnMissingBean(Storage.class)
    S3Storage ffmpegQueueS3Storage(FfmpegQueueProperties properties) {
      FfmpegQueueProperties.S3 s3 = properties.getStorage().getS3();
      if (s3.getBucket() == null || s3.getBucket().isBlank()) {
        throw new IllegalStateException("ffmpeg.queue.storage.s3.bucket is required with ffmpeg.queue.storage.type=s3");
      }
      S3Storage.Builder b = S3Storage.builder().bucket(s3.getBucket()).prefix(s3.getPrefix())
          .pathStyleAccess(s3.isPathStyleAccess());
      if (s3.getRegion() != null) {
        b.region(s3.getRegion());
      }
      if (s3.getEndpoint() != null) {
        b.endpoint(s3.getEndpoint());
      }
      if (s3.getAccessKeyId() != null) {
        b.credentials(s3.getAccessKeyId(), s3.getSecretAccessKey());
      }
      return b.build();
    }
  }

  /**
   * The PostgreSQL backend on the application's {@code DataSource}, with ffmpeg-queue-postgres on the class
   * path, unless {@code ffmpeg.queue.backend} says otherwise or {@code ffmpeg.queue.redis.url} is set.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.ffmpegqueue.postgres.PostgresQueueBackend")
  @ConditionalOnBean(DataSource.class)
  @Conditional(ChosenBackend.Postgres.class)
  static class PostgresBackendConfiguration {
    @Bean
    @ConditionalOnMissingBean(QueueBackend.class)
    PostgresQueueBackend ffmpegQueueBackend(DataSource dataSource, FfmpegQueueProperties properties) {
      FfmpegQueueProperties.Postgres pg = properties.getPostgres();
      return PostgresQueueBackend.builder(dataSource)
          .schema(pg.getSchema())
          .tablePrefix(pg.getTablePrefix())
          .migrate(pg.isMigrate())
          .build();
    }
  }

  /**
   * The Redis backend at {@code ffmpeg.queue.redis.url}, with ffmpeg-queue-redis on the class path, unless
   * {@code ffmpeg.queue.backend} says otherwise. It connects when the context starts and is closed with it,
   * after the queue.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.ffmpegqueue.redis.RedisQueueBackend")
  @Conditional(ChosenBackend.Redis.class)
  static class RedisBackendConfiguration {
    @Bean
    @ConditionalOnMissingBean(QueueBackend.class)
    RedisQueueBackend ffmpegQueueBackend(FfmpegQueueProperties properties) {
      FfmpegQueueProperties.Redis redis = properties.getRedis();
      return RedisQueueBackend.builder(redis.getUrl())
          .cluster(redis.isCluster())
          .prefix(redis.getPrefix())
          .build();
    }
  }
}
