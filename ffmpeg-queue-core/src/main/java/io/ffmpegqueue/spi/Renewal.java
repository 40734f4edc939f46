package io.ffmpegqueue.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * A heartbeat: extends {@code lease} by {@code leaseDuration} from now and records progress.
 *
 * @param lease the lease to extend
 * @param progress the task's progress from 0 to 1, or {@code null} when unknown
 * @param leaseDuration how long from now the lease lasts
 */
public record Renewal(Lease lease, Double progress, Duration leaseDuration) {
  /** Checks the fields. */
  public Renewal {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(leaseDuration, "leaseDuration");
  }
}
