package io.ffmpegqueue.support;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names every thread the library starts ({@code ffq-worker-1}) and makes it a daemon. */
public final class NamedThreadFactory implements ThreadFactory {
  private final String prefix;
  private final AtomicInteger next = new AtomicInteger(1);

  /** Threads named {@code prefix-1}, {@code prefix-2}, ... */
  public NamedThreadFactory(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public Thread newThread(Runnable r) {
    Thread t = new Thread(r, prefix + "-" + next.getAndIncrement());
    t.setDaemon(true);
    return t;
  }
}
