package io.ffmpegqueue.spi;

import io.ffmpegqueue.Task;
import java.util.List;
import java.util.Objects;

/**
 * What {@link QueueBackend#finishAndClaim} did: the end of one attempt and the worker's next leases.
 *
 * @param finished the task after the change, or {@code null} when the lease was no longer current (nothing was
 *     written for it, as when {@link QueueBackend#finish} throws {@link LeaseLostException})
 * @param claimed the new leases, possibly none
 */
public record Handover(Task finished, List<Lease> claimed) {
  /** Copies the leases. */
  public Handover {
    claimed = List.copyOf(Objects.requireNonNull(claimed, "claimed"));
  }
}
