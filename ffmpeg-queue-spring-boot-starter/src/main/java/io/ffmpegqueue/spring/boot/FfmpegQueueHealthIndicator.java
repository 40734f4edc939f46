package io.ffmpegqueue.spring.boot;

import io.ffmpegqueue.FfmpegQueueClient;
import io.ffmpegqueue.TaskStatus;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The queue in Actuator's {@code /actuator/health} as {@code ffmpegQueue}: {@code UP} with the task counts by
 * status when the backend answers, {@code DOWN} with the error when it does not.
 */
public final class FfmpegQueueHealthIndicator extends AbstractHealthIndicator {
  private final FfmpegQueueClient queue;

  /** An indicator over this queue (or submit-only client). */
  public FfmpegQueueHealthIndicator(FfmpegQueueClient queue) {
    super("ffmpeg queue health check failed");
    this.queue = Objects.requireNonNull(queue, "queue");
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    Map<TaskStatus, Long> counts = queue.counts();
    builder.up();
    for (TaskStatus status : TaskStatus.values()) {
      builder.withDetail(status.wireName(), counts.getOrDefault(status, 0L));
    }
  }
}
