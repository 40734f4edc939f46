package io.ffmpegqueue.spring.boot;

import io.ffmpegqueue.FfmpegQueue;

/**
 * A bean that adjusts the {@link FfmpegQueue.Builder} after the properties are applied and before the queue
 * is built: listeners, a command policy, tenant limits, webhooks. Customizers run in {@code @Order}.
 *
 * <pre>{@code
 * @Bean
 * FfmpegQueueBuilderCustomizer drawtextAllowed() {
 *   return builder -> builder.commandPolicy(CommandPolicy.strict().toBuilder().allowFilters("drawtext").build());
 * }
 * }</pre>
 */
@FunctionalInterface
public interface FfmpegQueueBuilderCustomizer {
  /** Adjusts the builder in place. */
  void customize(FfmpegQueue.Builder builder);
}
