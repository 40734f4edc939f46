package io.ffmpegqueue.bench.io;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import io.ffmpegqueue.ffmpeg.FfmpegInstallation;
import io.ffmpegqueue.ffmpeg.FfmpegJob;
import io.ffmpegqueue.ffmpeg.FfmpegLocator;
import io.ffmpegqueue.ffmpeg.ProcessFfmpegRunner;
import io.ffmpegqueue.io.FetchRequest;
import io.ffmpegqueue.io.HttpInputFetcher;
import io.ffmpegqueue.io.InputFetcher;
import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.io.StoredObject;
import io.ffmpegqueue.testing.FakeTaskContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A task's wall time with its download and ffmpeg one after the other ("today") against ffmpeg starting on the
 * head of the input while it downloads ("overlapped"), beside the download alone and ffmpeg alone on a local
 * copy. The input is an MP4 of {@code sizeMiB} (a 720p clip with noise, looped with {@code -c copy}), served
 * from loopback by a JVM of its own capped per connection; the fetcher has its defaults (4 ranges of 16 MiB).
 * Three cases: (a) {@code -c copy} remux of the MP4 indexed at its front, (b) a 720p x264 transcode of it,
 * (c) the remux of the same MP4 indexed at its end (which downloads whole first). Not a test: run it by hand
 * (see docs/benchmarks.md).
 *
 * <p>The outputs are stored by moving them out of the workspace (a rename, no checksum): the store step is the
 * same for both pipelines and not what is measured here; {@code LocalStorage} would add a copy and a SHA-256
 * of each output to every figure.
 *
 * <p>Arguments: {@code [sizeMiB=1024] [capMiBPerConnection=100] [rounds=1] [cases=abc]}.
 */
public final class OverlapBenchmark {
  private OverlapBenchmark() {}

  /** Runs the benchmark and prints a Markdown table. */
  public static void main(String[] args) throws Exception {
    long sizeMiB = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    long capMiB = args.length > 1 ? Long.parseLong(args[1]) : 100;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    String cases = args.length > 3 ? args[3] : "abc";
    FfmpegInstallation ffmpeg = FfmpegLocator.defaults().locate();
    Path dir = Files.createTempDirectory("ffq-overlap-bench");
    Process server = null;
    try {
      makeMedia(ffmpeg, dir, sizeMiB << 20);
      server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), HttpFetchBenchmark.class.getName(), "serve",
          dir.resolve("front.mp4").toString(), Long.toString(capMiB << 20))
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String port = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
      String base = "http://127.0.0.1:" + port + "/capped/";
      System.out.printf(Locale.ROOT, "input %d MiB (%s), served at %d MiB/s per connection, %d round(s), %d cores,"
          + " java %s, ffmpeg %s (%s)%n%n", Files.size(dir.resolve("front.mp4")) >> 20, "720p H.264 + AAC", capMiB,
          rounds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), ffmpeg.version(),
          ffmpeg.source());
      System.out.println("| case | download alone s | ffmpeg alone s | today s | overlapped s | overlapped / download"
          + " | overlapped / max(download, ffmpeg) | today / overlapped | load average |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---|");
      ProcessFfmpegRunner runner = ProcessFfmpegRunner.builder().installation(ffmpeg).build();
      try (HttpInputFetcher http = HttpInputFetcher.builder().allow("127.0.0.1").build()) {
        // Untimed: the JIT warms up as in a long-running worker, and the input is in the page cache for all.
        download(http, URI.create(base + "front.mp4"), dir);
        task(http, runner, "-i in.mp4 -map 0 -c copy out.mp4", URI.create(base + "front.mp4"), dir);
        if (cases.contains("a")) {
          run("(a) remux, index at the front", "front.mp4", "-i in.mp4 -map 0 -c copy out.mp4", base, dir, http, runner,
              rounds);
        }
        if (cases.contains("b")) {
          run("(b) 720p x264 transcode, index at the front", "front.mp4",
              "-i in.mp4 -map 0 -vf scale=-2:720 -c:v libx264 -preset veryfast -crf 23 -c:a copy out.mp4",
              base, dir, http, runner, rounds);
        }
        if (cases.contains("c")) {
          run("(c) remux, index at the end", "end.mp4", "-i in.mp4 -map 0 -c copy out.mp4", base, dir, http, runner,
              rounds);
        }
      }
    } finally {
      if (server != null) {
        server.getOutputStream().close();
        server.waitFor(10, TimeUnit.SECONDS);
        server.destroyForcibly();
      }
      delete(dir);
    }
  }

  private static void run(String label, String file, String command, String base, Path dir, HttpInputFetcher http,
      ProcessFfmpegRunner runner, int rounds) throws Exception {
    URI url = URI.create(base + file);
    // The same fetcher, seen as a plain one: the pipeline then downloads whole, then runs ffmpeg (as before).
    InputFetcher plain = new InputFetcher() {
      @Override
      public Set<String> schemes() {
        return http.schemes();
      }

      @Override
      public void fetch(FetchRequest request) {
        http.fetch(request);
      }
    };
    List<double[]> runs = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      double download = download(http, url, dir);
      double alone = ffmpegAlone(runner, command, dir.resolve(file), dir);
      double today = task(plain, runner, command, url, dir);
      double overlapped = task(http, runner, command, url, dir);
      runs.add(new double[] {download, alone, today, overlapped});
    }
    double[] m = new double[4];
    for (int i = 0; i < 4; i++) {
      int k = i;
      m[i] = runs.stream().mapToDouble(x -> x[k]).sorted().toArray()[(runs.size() - 1) / 2];
    }
    System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.2fx | %.2fx | %.2fx | %s |%n", label, m[0], m[1],
        m[2], m[3], m[3] / m[0], m[3] / Math.max(m[0], m[1]), m[2] / m[3], loadAverage());
  }

  private static double download(HttpInputFetcher http, URI url, Path dir) throws IOException {
    Path target = dir.resolve("download.bin");
    long t0 = System.nanoTime();
    http.fetch(new FetchRequest("in.mp4", url, target, new FakeTaskContext()));
    double s = (System.nanoTime() - t0) / 1e9;
    Files.delete(target);
    return s;
  }

  private static double ffmpegAlone(ProcessFfmpegRunner runner, String command, Path input, Path dir) throws IOException {
    Path ws = Files.createDirectories(dir.resolve("alone"));
    Files.createLink(ws.resolve("in.mp4"), input);
    try {
      long t0 = System.nanoTime();
      runner.run(new FfmpegJob(FfmpegCommand.parse(command), ws, List.of("in.mp4"), List.of("out.mp4"),
          new FakeTaskContext()));
      return (System.nanoTime() - t0) / 1e9;
    } finally {
      delete(ws);
    }
  }

  private static double task(InputFetcher fetcher, ProcessFfmpegRunner runner, String command, URI url, Path dir)
      throws Exception {
    try (FfmpegQueue queue = FfmpegQueue.builder().fetcher(fetcher).runner(runner)
        .storage(new MovingStorage(Files.createDirectories(dir.resolve("outputs")))).workspaceRoot(dir.resolve("work")).minFreeSpace(0)
        .pollWait(Duration.ofMillis(20)).build()) {
      long t0 = System.nanoTime();
      Task done = queue.submit(TaskRequest.builder().command(command).input("in.mp4", url).output("out.mp4")
          .timeout(Duration.ofHours(1)).maxAttempts(1).build()).completion().get(1, TimeUnit.HOURS);
      double s = (System.nanoTime() - t0) / 1e9;
      if (done.status() != TaskStatus.COMPLETED) {
        throw new IllegalStateException("the task failed: " + done.error());
      }
      return s;
    } finally {
      delete(dir.resolve("outputs"));
      delete(dir.resolve("work"));
    }
  }

  /** A 10 s 720p clip with noise (so that it is big and costs x264 some work), looped to {@code size} bytes. */
  private static void makeMedia(FfmpegInstallation ffmpeg, Path dir, long size) throws Exception {
    ffmpeg(ffmpeg, dir, "-f", "lavfi", "-i", "testsrc2=s=1280x720:r=30:d=10,noise=alls=12:allf=t", "-f", "lavfi", "-i",
        "sine=d=10", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "10", "-pix_fmt", "yuv420p", "-c:a", "aac",
        "-shortest", "clip.mp4");
    long loops = Math.max(0, size / Files.size(dir.resolve("clip.mp4")));
    ffmpeg(ffmpeg, dir, "-stream_loop", Long.toString(loops), "-i", "clip.mp4", "-map", "0", "-c", "copy", "-fs",
        Long.toString(size), "-movflags", "+faststart", "front.mp4");
    ffmpeg(ffmpeg, dir, "-i", "front.mp4", "-map", "0", "-c", "copy", "end.mp4");
    Files.delete(dir.resolve("clip.mp4"));
  }

  private static void ffmpeg(FfmpegInstallation ffmpeg, Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ffmpeg.ffmpeg().toString(), "-hide_banner", "-nostdin", "-loglevel",
        "error", "-y"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("ffmpeg " + String.join(" ", args) + " failed: " + out);
    }
  }

  /** Stores an output by moving it out of the workspace: no copy, no checksum. */
  private record MovingStorage(Path root) implements Storage {
    @Override
    public StoredObject store(TaskId taskId, String name, Path file) {
      try {
        Path target = root.resolve(taskId.value() + "-" + name);
        long size = Files.size(file);
        Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        return new StoredObject(target.toUri(), size, "video/mp4", null, null);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public InputStream open(URI uri) throws IOException {
      return Files.newInputStream(Path.of(uri));
    }

    @Override
    public void delete(TaskId taskId) {}
  }

  private static String loadAverage() {
    try {
      String[] l = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return l[0] + " " + l[1] + " " + l[2];
    } catch (IOException e) {
      return "?";
    }
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
