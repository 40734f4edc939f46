package io.ffmpegqueue.bench.io;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskOutputRef;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import io.ffmpegqueue.ffmpeg.FfmpegInstallation;
import io.ffmpegqueue.ffmpeg.FfmpegJob;
import io.ffmpegqueue.ffmpeg.FfmpegLocator;
import io.ffmpegqueue.ffmpeg.ProcessFfmpegRunner;
import io.ffmpegqueue.io.FileInputFetcher;
import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.io.StoredObject;
import io.ffmpegqueue.testing.FakeTaskContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The sibling of {@link OverlapBenchmark} for an HLS folder of the task graph: task A stores an HLS folder
 * ({@code sizeMiB} of 720p H.264 + AAC in 2 s segments), and task B reads it as {@code task://A/hls/}, from a
 * storage whose reads are throttled to {@code rateMiB} per second (one stream at a time, as the worker reads the
 * folder file by file). B's wall time (submit to COMPLETED) with the whole folder copied before ffmpeg starts
 * ("today") against ffmpeg started on the playlist while the segments arrive ("overlapped"), beside the
 * folder's fetch alone and ffmpeg alone on a local copy. "Today" is the same command with the folder named a
 * second time, in a metadata tag, which keeps the task on the copy-first path; the overlapped run carries a tag
 * that does not name the folder, so that ffmpeg does the same work in both. Two cases: (a) {@code -c copy}
 * remux, (b) a 720p x264 transcode. Not a test: run it by hand (see docs/benchmarks.md).
 *
 * <p>Arguments: {@code [sizeMiB=256] [rateMiB=25] [rounds=1] [cases=ab]}.
 */
public final class HlsOverlapBenchmark {
  private static final int CHUNK = 256 * 1024;

  private HlsOverlapBenchmark() {}

  /** Runs the benchmark and prints a Markdown table. */
  public static void main(String[] args) throws Exception {
    long sizeMiB = args.length > 0 ? Long.parseLong(args[0]) : 256;
    long rateMiB = args.length > 1 ? Long.parseLong(args[1]) : 25;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    String cases = args.length > 3 ? args[3] : "ab";
    FfmpegInstallation ffmpeg = FfmpegLocator.defaults().locate();
    Path dir = Files.createTempDirectory("ffq-hls-overlap-bench");
    try {
      makeMedia(ffmpeg, dir, sizeMiB << 20);
      ThrottledStorage storage = new ThrottledStorage(Files.createDirectories(dir.resolve("stored")), rateMiB << 20);
      ProcessFfmpegRunner runner = ProcessFfmpegRunner.builder().installation(ffmpeg).build();
      try (FfmpegQueue queue = FfmpegQueue.builder().fetcher(FileInputFetcher.allowing(dir)).runner(runner)
          .storage(storage).workspaceRoot(dir.resolve("work")).minFreeSpace(0).pollWait(Duration.ofMillis(20))
          .build()) {
        Task a = queue.submit(TaskRequest.builder().command("-i source.mp4 -map 0 -c copy -f hls -hls_time 2 "
            + "-hls_playlist_type vod -hls_segment_filename hls/seg_%05d.ts hls/index.m3u8")
            .input("source.mp4", dir.resolve("source.mp4").toUri()).output("hls/").timeout(Duration.ofHours(1))
            .maxAttempts(1).build()).completion().get(1, TimeUnit.HOURS);
        if (a.status() != TaskStatus.COMPLETED) {
          throw new IllegalStateException("task A failed: " + a.error());
        }
        Path folder = storage.root().resolve(a.id().value()).resolve("hls");
        long bytes;
        try (Stream<Path> s = Files.walk(folder)) {
          bytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        System.out.printf(Locale.ROOT, "HLS folder %d MiB in %d files (720p H.264 + AAC, 2 s segments), read from a "
            + "storage throttled to %d MiB/s, %d round(s), %d cores, java %s, ffmpeg %s (%s)%n%n", bytes >> 20,
            a.outputs().size(), rateMiB, rounds, Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"), ffmpeg.version(), ffmpeg.source());
        System.out.println("| case | fetch alone s | ffmpeg alone s | today s | overlapped s | overlapped / fetch"
            + " | overlapped / max(fetch, ffmpeg) | today / overlapped | load average |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        String remux = "-i hls/index.m3u8 -map 0 -c copy out.mp4";
        task(queue, a.id(), remux, false); // untimed: the JIT warms up as in a long-running worker
        if (cases.contains("a")) {
          run("(a) remux", remux, queue, a.id(), storage, folder, runner, dir, rounds);
        }
        if (cases.contains("b")) {
          run("(b) 720p x264 transcode", "-i hls/index.m3u8 -map 0 -vf scale=-2:720 -c:v libx264 -preset veryfast "
              + "-crf 23 -c:a copy out.mp4", queue, a.id(), storage, folder, runner, dir, rounds);
        }
      }
    } finally {
      delete(dir);
    }
  }

  private static void run(String label, String command, FfmpegQueue queue, TaskId parent, ThrottledStorage storage,
      Path folder, ProcessFfmpegRunner runner, Path dir, int rounds) throws Exception {
    List<double[]> runs = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      double fetch = fetchAlone(storage, folder);
      double alone = ffmpegAlone(runner, command, folder, dir);
      double today = task(queue, parent, command, true);
      double overlapped = task(queue, parent, command, false);
      runs.add(new double[] {fetch, alone, today, overlapped});
    }
    double[] m = new double[4];
    for (int i = 0; i < 4; i++) {
      int k = i;
      m[i] = runs.stream().mapToDouble(x -> x[k]).sorted().toArray()[(runs.size() - 1) / 2];
    }
    System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.2fx | %.2fx | %.2fx | %s |%n", label, m[0], m[1],
        m[2], m[3], m[3] / m[0], m[3] / Math.max(m[0], m[1]), m[2] / m[3], loadAverage());
  }

  /** Every file of the folder read through the throttled storage, one after the other, as the worker does. */
  private static double fetchAlone(ThrottledStorage storage, Path folder) throws IOException {
    long t0 = System.nanoTime();
    List<Path> files;
    try (Stream<Path> s = Files.walk(folder)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      try (InputStream in = storage.open(f.toUri())) {
        in.transferTo(OutputStream.nullOutputStream());
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double ffmpegAlone(ProcessFfmpegRunner runner, String command, Path folder, Path dir)
      throws IOException {
    Path ws = Files.createDirectories(dir.resolve("alone"));
    try (Stream<Path> s = Files.walk(folder)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        Path link = ws.resolve("hls").resolve(folder.relativize(f).toString());
        Files.createDirectories(link.getParent());
        Files.createLink(link, f);
      }
    }
    try {
      long t0 = System.nanoTime();
      runner.run(new FfmpegJob(FfmpegCommand.parse(command), ws, List.of("hls/"), List.of("out.mp4"),
          new FakeTaskContext()));
      return (System.nanoTime() - t0) / 1e9;
    } finally {
      delete(ws);
    }
  }

  /**
   * Task B's wall time; {@code whole} names the folder once more (in a metadata tag), which keeps the task on the
   * path that copies the folder before ffmpeg starts. Both paths carry a tag, so that ffmpeg does the same work.
   */
  private static double task(FfmpegQueue queue, TaskId parent, String command, boolean whole) throws Exception {
    String tagged = command.replace(" out.mp4", " -metadata comment=" + (whole ? "hls/" : "hls") + " out.mp4");
    long t0 = System.nanoTime();
    Task done = queue.submit(TaskRequest.builder().command(tagged).input("hls/", TaskOutputRef.of(parent, "hls/").uri())
        .output("out.mp4").timeout(Duration.ofHours(1)).maxAttempts(1).build()).completion().get(1, TimeUnit.HOURS);
    double s = (System.nanoTime() - t0) / 1e9;
    if (done.status() != TaskStatus.COMPLETED) {
      throw new IllegalStateException("task B failed: " + done.error());
    }
    return s;
  }

  /** A 10 s 720p clip (about 6.5 Mbit/s) with a key frame every 2 s, looped to {@code size} bytes. */
  private static void makeMedia(FfmpegInstallation ffmpeg, Path dir, long size) throws Exception {
    ffmpeg(ffmpeg, dir, "-f", "lavfi", "-i", "testsrc2=s=1280x720:r=30:d=10,noise=alls=3:allf=t", "-f", "lavfi", "-i",
        "sine=d=10", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-g", "60", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-shortest", "clip.mp4");
    long loops = Math.max(0, size / Files.size(dir.resolve("clip.mp4")));
    ffmpeg(ffmpeg, dir, "-stream_loop", Long.toString(loops), "-i", "clip.mp4", "-map", "0", "-c", "copy", "-fs",
        Long.toString(size), "source.mp4");
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

  /** Stores a hard link under {@code root} (no copy, no checksum); reads at most {@code rate} bytes/s. */
  private record ThrottledStorage(Path root, long rate) implements Storage {
    @Override
    public StoredObject store(TaskId taskId, String name, Path file) {
      try {
        Path target = root.resolve(taskId.value()).resolve(name);
        Files.createDirectories(target.getParent());
        long size = Files.size(file);
        Files.deleteIfExists(target);
        Files.createLink(target, file); // not a move: the uploader of a folder output still looks at the file
        return new StoredObject(target.toUri(), size, "application/octet-stream", null, null);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public InputStream open(URI uri) throws IOException {
      long t0 = System.nanoTime();
      return new FilterInputStream(Files.newInputStream(Path.of(uri))) {
        private long read;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = super.read(b, off, Math.min(len, CHUNK));
          if (n > 0) {
            read += n;
            long due = t0 + read * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
              try {
                TimeUnit.NANOSECONDS.sleep(wait); // the throttle itself, not a synchronisation
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while throttled");
              }
            }
          }
          return n;
        }
      };
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
