package io.ffmpegqueue.bench.postgres;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time used by this JVM and by the PostgreSQL server (the postmaster and all its children), read from
 * /proc: unlike rates, it hardly depends on how busy the shared machine is.
 */
public final class CpuMeter {
  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

  private final long postmasterPid;

  /** A meter for the server whose postmaster is {@code postmasterPid}, or -1 for the JVM alone. */
  public CpuMeter(long postmasterPid) {
    this.postmasterPid = postmasterPid;
  }

  /** Seconds of CPU of this JVM so far. */
  public double jvmSeconds() {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return os.getProcessCpuTime() / 1e9;
  }

  /** Seconds of CPU of the server's processes so far (those alive now, with their reaped children). */
  public double serverSeconds() {
    if (postmasterPid < 0) {
      return Double.NaN;
    }
    double total = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        long pid = Long.parseLong(name);
        long[] stat = stat(pid);
        if (stat != null && (pid == postmasterPid || stat[0] == postmasterPid)) {
          total += (stat[1] + stat[2] + stat[3] + stat[4]) / TICKS_PER_SECOND;
        }
      }
    } catch (IOException e) {
      return Double.NaN;
    }
    return total;
  }

  /** ppid, utime, stime, cutime, cstime of a process, or null when it is gone. */
  private static long[] stat(long pid) {
    try {
      String s = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]),
          Long.parseLong(f[13]), Long.parseLong(f[14])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
