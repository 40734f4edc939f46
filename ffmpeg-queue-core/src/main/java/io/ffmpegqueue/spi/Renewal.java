package io.ffmpegqueue.spi;

import io.ffmpegqueue.ffmpeg.Progress;
import java.time.Duration;
import java.util.Objects;

/**
 * A heartbeat: extends {@code lease} by {@code leaseDuration} from now and records progress.
 *
 * @param lease the lease to extend
 * @param progress the task's progress from 0 to 1, or {@code null} when unknown
 * @param leaseDuration how long from now the lease lasts
 * @param detail the latest progress in full, when it changed since the last renewal, else {@code null}: a
 *     shared backend relays it to the listeners of other processes
 *     ({@link BackendListener#onRemoteProgress}) when the lease is still held
 */
public record Renewal(Lease lease, Double progress, Duration leaseDuration, Progress detail) {
  /** Checks the fields. */
  public Renewal {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(leaseDuration, "leaseDuration");
  }

  /** A renewal with no new progress detail to relay. */
  public Renewal(Lease lease, Double progress, Duration leaseDuration) {
    this(lease, progress, leaseDuration, null);
  }
}
