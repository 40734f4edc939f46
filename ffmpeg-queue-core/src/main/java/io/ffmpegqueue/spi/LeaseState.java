package io.ffmpegqueue.spi;

/** What {@link QueueBackend#renew} found. */
public enum LeaseState {
  /** The lease is held and extended. */
  ACTIVE,
  /** The lease is held and extended, and a cancel was requested: stop the task. */
  CANCEL_REQUESTED,
  /** The lease is no longer this worker's: stop and write nothing. */
  LOST
}
