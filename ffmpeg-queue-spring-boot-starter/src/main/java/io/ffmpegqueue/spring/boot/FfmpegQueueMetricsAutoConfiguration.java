package io.ffmpegqueue.spring.boot;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.micrometer.FfmpegQueueMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Binds the queue's meters ({@link FfmpegQueueMetrics}: {@code ffq.queue.depth}, {@code ffq.tasks.*}, ...) to the
 * application's {@link MeterRegistry} when it has one (Spring Boot Actuator makes one). The binding is
 * closed, and its meters removed, before the queue closes.
 */
@AutoConfiguration(after = FfmpegQueueAutoConfiguration.class, afterName = {
    "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
@ConditionalOnBean({FfmpegQueue.class, MeterRegistry.class})
public class FfmpegQueueMetricsAutoConfiguration {
  /** Used by Spring. */
  public FfmpegQueueMetricsAutoConfiguration() {}

  /** The queue's meters in the registry. */
  @Bean
  @ConditionalOnMissingBean
  public FfmpegQueueMetrics ffmpegQueueMetrics(FfmpegQueue queue, MeterRegistry registry) {
    return FfmpegQueueMetrics.bind(queue, registry);
  }
}
