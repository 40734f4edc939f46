package io.ffmpegqueue.spring.boot;

import io.ffmpegqueue.FfmpegQueueClient;
import io.ffmpegqueue.TaskStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The queue in Actuator's {@code /actuator/health} as {@code ffmpegQueue}: {@code UP} with the task counts by
 * status, and any backend details, when the backend answers; {@code DOWN} with the error when it does not. With
 * the Redis backend the {@code redis} detail is the server's persistence ({@code aof on, appendfsync everysec},
 * or a warning that tasks can be lost).
 */
public final class FfmpegQueueHealthIndicator extends AbstractHealthIndicator {
  private final FfmpegQueueClient queue;
  private final Map<String, Supplier<String>> details;

  /** An indicator over this queue (or submit-only client). */
  public FfmpegQueueHealthIndicator(FfmpegQueueClient queue) {
    this(queue, Map.of());
  }

  /**
   * An indicator over this queue with more details, each read on every check (a supplier that throws makes the
   * queue {@code DOWN}).
   *
   * @param queue the queue or submit-only client
   * @param details detail name to its value, e.g. {@code "redis"} to the backend's durability summary
   */
  public FfmpegQueueHealthIndicator(FfmpegQueueClient queue, Map<String, Supplier<String>> details) {
    super("ffmpeg queue health check failed");
    this.queue = Objects.requireNonNull(queue, "queue");
    this.details = new LinkedHashMap<>(Objects.requireNonNull(details, "details"));
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    Map<TaskStatus, Long> counts = queue.counts();
    builder.up();
    for (TaskStatus status : TaskStatus.values()) {
      builder.withDetail(status.wireName(), counts.getOrDefault(status, 0L));
    }
    details.forEach((name, value) -> builder.withDetail(name, value.get()));
  }
}
