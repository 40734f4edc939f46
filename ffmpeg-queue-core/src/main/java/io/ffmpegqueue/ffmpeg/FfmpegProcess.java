package io.ffmpegqueue.ffmpeg;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One running ffmpeg: its output pipes drained concurrently (progress from stdout, a bounded stderr
 * tail), and a stop that asks first and forces after: {@code q} on stdin (ffmpeg 7 ignores a single
 * SIGTERM when started with {@code -nostdin}, so stdin stays a pipe), then after a grace period SIGTERM
 * to the process and its descendants, then SIGKILL.
 */
final class FfmpegProcess {
  private final ProcessBuilder builder;
  private final String name;
  private final StderrTail tail;
  private final Consumer<String> progressLines;
  private final Consumer<String> stderrLines;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private Process process;
  private OutputStream stdin;
  private Thread stdoutReader;
  private Thread stderrReader;
  private boolean exited;
  private boolean stopRequested;

  /**
   * A process for {@code command}, started by {@link #start()}; {@code progressLines} gets each stdout
   * line and {@code stderrLines} each stderr line, on the reader threads.
   */
  public FfmpegProcess(List<String> command, Path directory, Map<String, String> environment, int tailBytes,
      Consumer<String> progressLines, Consumer<String> stderrLines, String name) {
    this.builder = new ProcessBuilder(command).directory(directory.toFile());
    builder.environment().clear();
    builder.environment().putAll(environment);
    this.tail = new StderrTail(tailBytes);
    this.progressLines = progressLines;
    this.stderrLines = stderrLines;
    this.name = name;
  }

  /** Starts the process and its pipe readers; a stop requested before is carried out at once. */
  public void start() throws IOException {
    Process p = builder.start();
    lock.lock();
    try {
      process = p;
      stdin = p.getOutputStream();
    } finally {
      lock.unlock();
    }
    stdoutReader = thread(() -> readLines(p.getInputStream()), name + "-progress");
    stderrReader = thread(() -> readStderr(p.getErrorStream()), name + "-stderr");
    p.onExit().thenRun(() -> {
      lock.lock();
      try {
        exited = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    });
    lock.lock();
    try {
      if (stopRequested) {
        sendQuit();
      }
    } finally {
      lock.unlock();
    }
  }

  /** The process id, or -1 before the start. */
  public long pid() {
    Process p = process;
    return p == null ? -1 : p.pid();
  }

  /** The stderr tail. */
  public StderrTail tail() {
    return tail;
  }

  /**
   * Asks ffmpeg to stop ({@code q} on stdin) and wakes {@link #await}; returns at once, so it may run on
   * the thread that cancels the task.
   */
  public void requestStop() {
    lock.lock();
    try {
      if (stopRequested) {
        return;
      }
      stopRequested = true;
      if (process != null) {
        sendQuit();
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void sendQuit() {
    try {
      stdin.write('q');
      stdin.flush();
    } catch (IOException ignored) {
      // it has exited already or closed stdin; the grace period below settles it
    }
  }

  /**
   * Waits until ffmpeg exits, or until a stop is requested; then gives it {@code quitGrace} to stop on
   * its own and destroys its process tree (forcibly after {@code killGrace}). Returns the exit status.
   */
  public int await(Duration quitGrace, Duration killGrace) throws InterruptedException {
    lock.lock();
    try {
      while (!exited && !stopRequested) {
        changed.await();
      }
    } finally {
      lock.unlock();
    }
    if (!process.waitFor(quitGrace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      ProcessTree.destroy(process, killGrace);
    }
    int code = process.waitFor();
    // The pipes close when every process holding them ended; bounded, should a grandchild linger.
    stdoutReader.join(5_000);
    stderrReader.join(5_000);
    return code;
  }

  /** Whether a stop was requested. */
  public boolean stopRequested() {
    lock.lock();
    try {
      return stopRequested;
    } finally {
      lock.unlock();
    }
  }

  /** Makes sure nothing of it is left: destroys the tree when still alive. Safe to call more than once. */
  public void destroy(Duration grace) {
    Process p = process;
    if (p == null) {
      return;
    }
    // Once it has exited, its children (if any) were handed to the reaper at once, so a descendants()
    // scan of its pid would find nothing of it: it would only cost a walk of /proc, or find another
    // process tree should the pid have been reused. Bubblewrap's ffmpeg dies with it (--die-with-parent).
    if (p.isAlive()) {
      ProcessTree.destroy(p, grace);
    }
    try {
      stdin.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  private void readLines(InputStream in) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        progressLines.accept(line);
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  private void readStderr(InputStream in) {
    byte[] buf = new byte[8192];
    StringBuilder line = new StringBuilder();
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        tail.append(buf, 0, n);
        // Lines for the log and the Duration: parser; ffmpeg's stats use \r.
        String chunk = new String(buf, 0, n, StandardCharsets.UTF_8);
        for (int i = 0; i < chunk.length(); i++) {
          char c = chunk.charAt(i);
          if (c == '\n' || c == '\r') {
            if (line.length() > 0) {
              stderrLines.accept(line.toString());
              line.setLength(0);
            }
          } else if (line.length() < 4096) {
            line.append(c);
          }
        }
      }
      if (line.length() > 0) {
        stderrLines.accept(line.toString());
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  private static Thread thread(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
