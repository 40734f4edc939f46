package io.ffmpegqueue.spring.boot;

import io.ffmpegqueue.spring.boot.FfmpegQueueProperties.BackendType;
import java.util.Locale;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Which backend the properties choose, read before they are bound: {@code ffmpeg.queue.backend} when set, else
 * Redis when {@code ffmpeg.queue.redis.url} is set, else none (PostgreSQL with a {@code DataSource}, or memory).
 * One place decides, so that a DataSource and a Redis URL in one application never make two backends.
 */
final class ChosenBackend {
  private ChosenBackend() {}

  /** The chosen backend, or null when the properties leave it to the beans. */
  static BackendType of(Environment env) {
    String named = env.getProperty("ffmpeg.queue.backend");
    if (named != null && !named.isBlank()) {
      try {
        return BackendType.valueOf(named.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("ffmpeg.queue.backend='" + named + "': not memory, postgres or redis", e);
      }
    }
    return StringUtils.hasText(env.getProperty("ffmpeg.queue.redis.url")) ? BackendType.REDIS : null;
  }

  /** {@code backend=postgres}, or neither it nor a Redis URL set. */
  static final class Postgres extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      BackendType chosen = of(context.getEnvironment());
      return chosen == null || chosen == BackendType.POSTGRES
          ? ConditionOutcome.match("ffmpeg.queue backend: " + (chosen == null ? "unset" : "postgres"))
          : ConditionOutcome.noMatch("ffmpeg.queue backend: " + chosen);
    }
  }

  /** A Redis URL, and {@code backend} unset or {@code redis}. */
  static final class Redis extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      BackendType chosen = of(context.getEnvironment());
      boolean url = StringUtils.hasText(context.getEnvironment().getProperty("ffmpeg.queue.redis.url"));
      return chosen == BackendType.REDIS && url
          ? ConditionOutcome.match("ffmpeg.queue.redis.url set, backend redis")
          : ConditionOutcome.noMatch("ffmpeg.queue backend: " + chosen + ", redis.url " + (url ? "set" : "unset"));
    }
  }
}
