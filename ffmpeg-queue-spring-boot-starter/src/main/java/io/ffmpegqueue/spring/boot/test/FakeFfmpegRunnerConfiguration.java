package io.ffmpegqueue.spring.boot.test;

import io.ffmpegqueue.testing.FakeFfmpegRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A {@link FakeFfmpegRunner} bean, which the auto-configured queue takes as its runner. Imported by
 * {@link AutoConfigureFakeFfmpegRunner}; add it to an {@code ApplicationContextRunner} with
 * {@code withUserConfiguration(FakeFfmpegRunnerConfiguration.class)}.
 */
@Configuration(proxyBeanMethods = false)
public class FakeFfmpegRunnerConfiguration {
  /** Used by Spring. */
  public FakeFfmpegRunnerConfiguration() {}

  /** The fake runner: every run succeeds unless the test enqueues another outcome. */
  @Bean
  public FakeFfmpegRunner fakeFfmpegRunner() {
    return new FakeFfmpegRunner();
  }
}
