package io.ffmpegqueue.examples.support;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.ffmpeg.FfmpegJob;
import io.ffmpegqueue.ffmpeg.FfmpegResult;
import io.ffmpegqueue.ffmpeg.FfmpegRunner;
import io.ffmpegqueue.ffmpeg.Progress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * TEST ONLY: a minimal runner on the bundled ffmpeg, used by the service tests until the real runner (the
 * ffmpeg issue's sandboxed one) replaces the core's placeholder; {@link TestFfmpeg#runner()} picks the real
 * one as soon as it exists. Runs ffmpeg in the workspace with {@code -progress pipe:1}, reports progress
 * against the first input's duration, and kills ffmpeg when the task is stopped. No sandbox, no policy.
 */
final class ProcessFfmpegRunner implements FfmpegRunner {
  @Override
  public FfmpegResult run(FfmpegJob job) {
    long started = System.nanoTime();
    Double total = job.inputs().isEmpty() ? null : TestFfmpeg.durationSeconds(job.workspace().resolve(job.inputs().get(0)));
    List<String> cmd = new ArrayList<>(List.of(TestFfmpeg.ffmpeg().toString(), "-hide_banner", "-nostdin", "-y",
        "-nostats", "-progress", "pipe:1"));
    cmd.addAll(job.command().arguments());
    Process p;
    try {
      p = new ProcessBuilder(cmd).directory(job.workspace().toFile()).start();
    } catch (IOException e) {
      throw new TaskFailureException(ErrorKind.INTERNAL, "cannot start ffmpeg: " + e.getMessage(), false, null, e);
    }
    Subscription stop = job.context().onStop(() -> {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    });
    StringBuilder stderr = new StringBuilder();
    Thread drain = new Thread(() -> {
      try (InputStream err = p.getErrorStream()) {
        byte[] all = err.readAllBytes();
        synchronized (stderr) {
          stderr.append(new String(all, StandardCharsets.UTF_8));
        }
      } catch (IOException ignored) {
        // the process is gone
      }
    }, "test-ffmpeg-stderr");
    drain.start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("out_time_us=")) {
          try {
            long us = Long.parseLong(line.substring("out_time_us=".length()).strip());
            if (us >= 0) {
              Duration at = Duration.ofNanos(us * 1000);
              job.context().reportProgress(new Progress(total == null ? null : us / 1e6 / total, at, null, null, null));
            }
          } catch (NumberFormatException ignored) {
            // N/A
          }
        } else if (line.equals("progress=end")) {
          job.context().reportProgress(Progress.ofFraction(1.0));
        }
      }
      int code = p.waitFor();
      drain.join(5_000);
      if (job.context().isStopped()) {
        throw new TaskFailureException(ErrorKind.CANCELLED, "stopped: " + job.context().stopReason(), false);
      }
      if (code != 0) {
        String tail;
        synchronized (stderr) {
          tail = stderr.length() > 4000 ? stderr.substring(stderr.length() - 4000) : stderr.toString();
        }
        String[] lines = tail.strip().split("\n");
        throw new TaskFailureException(ErrorKind.FFMPEG, "ffmpeg exited with " + code + ": " + lines[lines.length - 1],
            false, tail, null);
      }
    } catch (IOException e) {
      throw new TaskFailureException(ErrorKind.INTERNAL, "reading ffmpeg's output failed: " + e.getMessage(), true, null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskFailureException(ErrorKind.INTERNAL, "interrupted", true);
    } finally {
      stop.close();
      p.destroyForcibly();
    }
    return new FfmpegResult(Map.of(), Duration.ofNanos(System.nanoTime() - started));
  }
}
