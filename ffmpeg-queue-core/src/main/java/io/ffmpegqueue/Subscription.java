package io.ffmpegqueue;

/** A listener's subscription; {@link #close()} unsubscribes. Closing twice is harmless. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
  /** Stops delivery to the listener; events already queued for it may still arrive. */
  @Override
  void close();
}
