package io.ffmpegqueue.ffmpeg;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ends a process and everything it started: a polite signal to the whole tree (children first), a grace
 * period, then SIGKILL to whatever is left. A sandbox wrapper (bubblewrap) and the ffmpeg inside it are
 * both descendants of the started process, so neither outlives this.
 */
final class ProcessTree {
  private ProcessTree() {}

  /**
   * Destroys {@code process} and its descendants, forcibly after {@code grace}, and waits (bounded) until
   * they are gone. Returns whether every process of the tree ended.
   */
  public static boolean destroy(Process process, Duration grace) {
    List<ProcessHandle> tree = snapshot(process.toHandle());
    for (ProcessHandle h : tree) {
      h.destroy();
    }
    if (awaitExit(tree, grace)) {
      return true;
    }
    // Descendants may have been started after the first snapshot.
    List<ProcessHandle> rest = snapshot(process.toHandle());
    for (ProcessHandle h : tree) {
      if (h.isAlive() && !rest.contains(h)) {
        rest.add(h);
      }
    }
    for (ProcessHandle h : rest) {
      h.destroyForcibly();
    }
    return awaitExit(rest, Duration.ofSeconds(10));
  }

  /** The descendants, deepest first, then the process itself. */
  private static List<ProcessHandle> snapshot(ProcessHandle root) {
    List<ProcessHandle> all = new ArrayList<>();
    collect(root, all);
    return all;
  }

  private static void collect(ProcessHandle h, List<ProcessHandle> out) {
    h.children().forEach(c -> collect(c, out));
    out.add(h);
  }

  private static boolean awaitExit(List<ProcessHandle> handles, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (ProcessHandle h : handles) {
      CompletableFuture<ProcessHandle> exit = h.onExit();
      long left = deadline - System.nanoTime();
      try {
        exit.get(Math.max(0, left), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        return false;
      } catch (ExecutionException e) {
        // onExit never fails; treat as gone
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !h.isAlive();
      }
    }
    return true;
  }
}
