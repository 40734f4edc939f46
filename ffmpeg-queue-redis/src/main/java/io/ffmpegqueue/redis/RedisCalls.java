package io.ffmpegqueue.redis;

import io.ffmpegqueue.FfmpegQueueException;
import io.lettuce.core.RedisException;
import java.util.function.Supplier;

/** Runs a step against Redis, turning the client's exceptions into one that says what failed. */
final class RedisCalls {
  private RedisCalls() {}

  /** Runs {@code step}; a {@link RedisException} becomes a {@link FfmpegQueueException} naming {@code what}. */
  static <T> T call(String what, Supplier<T> step) {
    try {
      return step.get();
    } catch (RedisException e) {
      throw new FfmpegQueueException("Redis: " + what + " failed: " + e.getMessage(), e);
    }
  }
}
