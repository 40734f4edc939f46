package io.ffmpegqueue.spring.boot;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.redis.RedisQueueBackend;
import java.util.Map;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers {@link FfmpegQueueHealthIndicator} when Spring Boot Actuator is on the class path; turn it off with
 * {@code management.health.ffmpegqueue.enabled=false}. With a {@code RedisQueueBackend} bean the indicator also
 * reports the Redis server's persistence.
 */
@AutoConfiguration(after = FfmpegQueueAutoConfiguration.class,
    beforeName = "org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
@ConditionalOnBean(FfmpegQueue.class)
@ConditionalOnEnabledHealthIndicator("ffmpegqueue")
public class FfmpegQueueHealthAutoConfiguration {
  /** Used by Spring. */
  public FfmpegQueueHealthAutoConfiguration() {}

  /** The indicator, named {@code ffmpegQueue} in the health endpoint. */
  @Bean
  @ConditionalOnMissingBean(name = "ffmpegQueueHealthIndicator")
  public FfmpegQueueHealthIndicator ffmpegQueueHealthIndicator(FfmpegQueue queue) {
    return new FfmpegQueueHealthIndicator(queue);
  }

  /** The indicator with the Redis backend's durability as its {@code redis} detail. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.ffmpegqueue.redis.RedisQueueBackend")
  @ConditionalOnBean(type = "io.ffmpegqueue.redis.RedisQueueBackend")
  static class RedisHealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "ffmpegQueueHealthIndicator")
    FfmpegQueueHealthIndicator ffmpegQueueHealthIndicator(FfmpegQueue queue, RedisQueueBackend redis) {
      return new FfmpegQueueHealthIndicator(queue, Map.of("redis", () -> redis.durability().summary()));
    }
  }
}
