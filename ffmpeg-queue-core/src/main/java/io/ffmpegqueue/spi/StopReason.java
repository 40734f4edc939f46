package io.ffmpegqueue.spi;

/** Why a running task is asked to stop before it finishes. */
public enum StopReason {
  /** A client cancelled it. */
  CANCELLED,
  /** It ran past its timeout. */
  TIMED_OUT,
  /** The worker is shutting down; the task goes back to the queue. */
  SHUTDOWN,
  /** The worker lost the lease; another worker may run it. */
  LEASE_LOST
}
