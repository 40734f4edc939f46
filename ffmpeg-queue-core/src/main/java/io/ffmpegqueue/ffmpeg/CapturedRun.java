package io.ffmpegqueue.ffmpeg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a short helper process (a version check, ffprobe) to its end within a time limit and keeps what it
 * printed; the process is destroyed with its descendants when the limit passes.
 *
 * @param exitCode the exit status, or -1 when it timed out
 * @param stdout what it wrote to standard output (at most {@code maxBytes})
 * @param stderr what it wrote to standard error (at most {@code maxBytes})
 */
public record CapturedRun(int exitCode, String stdout, String stderr) {
  private static final int MAX_BYTES = 4 << 20;

  /** Whether it exited with status 0. */
  public boolean succeeded() {
    return exitCode == 0;
  }

  /**
   * Runs {@code command} in {@code directory} (or the current one when {@code null}) with exactly the
   * given environment (the inherited one when {@code null}).
   *
   * @throws UncheckedIOException when it cannot be started
   */
  public static CapturedRun run(List<String> command, Path directory, Map<String, String> environment, Duration timeout) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE);
    if (directory != null) {
      pb.directory(directory.toFile());
    }
    if (environment != null) {
      pb.environment().clear();
      pb.environment().putAll(environment);
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
    }
    try {
      p.getOutputStream().close();
    } catch (IOException ignored) {
      // it may have exited already
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread outReader = drain(p.getInputStream(), out, "ffq-helper-out");
    Thread errReader = drain(p.getErrorStream(), err, "ffq-helper-err");
    int code;
    try {
      if (p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        code = p.exitValue();
      } else {
        ProcessTree.destroy(p, Duration.ofMillis(500));
        code = -1;
      }
      outReader.join(5_000);
      errReader.join(5_000);
    } catch (InterruptedException e) {
      ProcessTree.destroy(p, Duration.ZERO);
      Thread.currentThread().interrupt();
      code = -1;
    }
    synchronized (out) {
      synchronized (err) {
        return new CapturedRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
      }
    }
  }

  private static Thread drain(InputStream in, ByteArrayOutputStream sink, String name) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          synchronized (sink) {
            if (sink.size() < MAX_BYTES) {
              sink.write(buf, 0, Math.min(n, MAX_BYTES - sink.size()));
            }
          }
        }
      } catch (IOException ignored) {
        // the process ended or was destroyed
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
