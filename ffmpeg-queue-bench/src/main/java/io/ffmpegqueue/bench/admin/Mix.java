package io.ffmpegqueue.bench.admin;

import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * The tasks the benchmark fills a backend with, each a function of its number {@code i} (0 to n - 1), so that
 * every backend holds the same mix and the filters' expected matches are known: creation times spread evenly
 * over the {@value #DAYS} days before the start (task n - 1 newest), 20 tenants, a customer of 1,000 in the
 * metadata, a rare flag on 1 task in 200,000, four scale widths in the command and a unique title.
 *
 * <p>Statuses by {@code i % 100}: 0-79 COMPLETED, 80-89 FAILED, 90-92 CANCELLED, 93-97 PENDING (97 not due
 * for a day: scheduled), 98-99 COMPLETED but for {@code i % 1000 == 998}: RUNNING (0.1 %).
 */
final class Mix {
  static final int DAYS = 7;
  static final int TENANTS = 20;
  static final int CUSTOMERS = 1000;
  static final int RARE_EVERY = 200_000;
  private static final int[] WIDTHS = {640, 1280, 1920, 3840};

  final int n;
  final Instant start;

  Mix(int n, Instant start) {
    this.n = n;
    this.start = start;
  }

  Instant createdAt(int i) {
    long span = Duration.ofDays(DAYS).toMillis();
    return start.minusMillis(span - span * (long) i / n);
  }

  static TaskStatus status(int i) {
    int r = i % 100;
    if (r < 80) {
      return TaskStatus.COMPLETED;
    } else if (r < 90) {
      return TaskStatus.FAILED;
    } else if (r < 93) {
      return TaskStatus.CANCELLED;
    } else if (r < 98) {
      return TaskStatus.PENDING;
    }
    return i % 1000 == 998 ? TaskStatus.RUNNING : TaskStatus.COMPLETED;
  }

  static boolean scheduled(int i) {
    return i % 100 == 97;
  }

  static String tenant(int i) {
    return "tenant-" + (i % TENANTS);
  }

  static String customer(int i) {
    return "c" + (i % CUSTOMERS);
  }

  static String flag(int i) {
    return i % RARE_EVERY == 0 ? "vip" : "none";
  }

  static String command(int i) {
    return "-ss " + (i % 60) + " -i input.mp4 -vf scale=" + WIDTHS[i % WIDTHS.length] + ":-2 -c:v libx264"
        + " -metadata title=job" + i + "; output.mp4";
  }

  /** Seconds from creation to start, and from start to end. */
  static int waitSeconds(int i) {
    return 1 + i % 7;
  }

  static int runSeconds(int i) {
    return 5 + i % 50;
  }

  /** The request of task {@code i} (run-at left to the task). */
  static TaskRequest request(int i) {
    return request(command(i), tenant(i), customer(i), flag(i));
  }

  static TaskRequest request(String command, String tenant, String customer, String flag) {
    return TaskRequest.builder()
        .command(command)
        .input("input.mp4", URI.create("https://media.example.com/in/input.mp4"))
        .output("output.mp4")
        .tenant(tenant)
        .metadata("customer", customer)
        .metadata("flag", flag)
        .maxAttempts(3)
        .timeout(Duration.ofMinutes(30))
        .build();
  }
}
