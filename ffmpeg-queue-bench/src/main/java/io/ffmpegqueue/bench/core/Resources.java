package io.ffmpegqueue.bench.core;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/** What a run cost the process, beside how long it took. */
final class Resources {
  private Resources() {}

  /** CPU time of the whole process (every thread, GC and JIT too), or -1 when the JVM does not say. */
  static long processCpuNanos() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
  }

  /**
   * Bytes allocated so far by the threads alive now (threads that ended are not counted, so measure across
   * a run whose threads outlive it), or -1 when the JVM does not say.
   */
  static long allocatedBytes() {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)) {
      return -1;
    }
    long sum = 0;
    for (long b : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      sum += Math.max(0, b);
    }
    return sum;
  }

  /** The collectors' accumulated collection time. */
  static long gcMillis() {
    long sum = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      sum += Math.max(0, gc.getCollectionTime());
    }
    return sum;
  }
}
