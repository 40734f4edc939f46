package io.ffmpegqueue.spring.boot;

import io.ffmpegqueue.FfmpegQueue;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Registers {@link FfmpegQueueHealthIndicator} when Spring Boot Actuator is on the class path; turn it off with
 * {@code management.health.ffmpegqueue.enabled=false}.
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
}
