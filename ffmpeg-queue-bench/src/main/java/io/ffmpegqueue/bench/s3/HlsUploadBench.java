package io.ffmpegqueue.bench.s3;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.ffmpeg.FfmpegInstallation;
import io.ffmpegqueue.ffmpeg.FfmpegLocator;
import io.ffmpegqueue.ffmpeg.FfmpegRunner;
import io.ffmpegqueue.ffmpeg.ProcessFfmpegRunner;
import io.ffmpegqueue.s3.S3Storage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A long 720p HLS encode (4 s segments) to S3Proxy, two ways: through the queue, which stores segments while
 * ffmpeg encodes and the playlist last, timing ffmpeg's exit to COMPLETED; and as the pipeline did before
 * folder outputs, the same encode first and then every file stored one after another, timing ffmpeg's exit
 * to the last stored file. Prints both, their ratio, the machine and the load average.
 *
 * <p>Options: {@code --seconds N} (600, the video's length), {@code --preset P} ({@code ultrafast}).
 */
public final class HlsUploadBench {
  private static final String BUCKET = "hls-bench";

  private HlsUploadBench() {}

  /** Runs the benchmark. */
  public static void main(String[] args) throws Exception {
    int seconds = 600;
    String preset = "ultrafast";
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--preset" -> preset = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    String command = "-f lavfi -i testsrc2=s=1280x720:r=30:d=" + seconds + " -c:v libx264 -preset " + preset
        + " -g 120 -keyint_min 120 -sc_threshold 0 -f hls -hls_time 4 -hls_playlist_type vod "
        + "-hls_segment_filename hls/seg_%04d.ts hls/index.m3u8";
    Path tmp = Files.createTempDirectory("ffq-hls-bench");
    Process server = S3UploadBench.startServer(tmp.resolve("s3proxy-data"));
    try {
      URI endpoint = URI.create("http://127.0.0.1:" + S3UploadBench.readPort(server));
      try (S3Client admin = S3UploadBench.admin(endpoint)) {
        admin.createBucket(b -> b.bucket(BUCKET));
      }
      FfmpegInstallation ffmpeg = FfmpegLocator.defaults().locate();
      System.out.println("machine: " + S3UploadBench.machine());
      System.out.println("ffmpeg " + ffmpeg.version() + " at " + ffmpeg.ffmpeg());
      System.out.println("S3Proxy (child JVM, SigV4) at " + endpoint);
      System.out.println("command: " + command);
      try (S3Storage s3 = S3Storage.builder().bucket(BUCKET).endpoint(endpoint)
          .credentials(S3UploadBench.KEY, S3UploadBench.SECRET).build()) {
        System.out.printf(Locale.ROOT, "load average before: %s%n", S3UploadBench.loadAverage());
        double whileEncoding = throughQueue(s3, ffmpeg, command, tmp.resolve("work"));
        System.out.printf(Locale.ROOT, "load average: %s%n", S3UploadBench.loadAverage());
        double afterEncoding = afterTheEncode(s3, ffmpeg, command, tmp.resolve("after"));
        System.out.printf(Locale.ROOT, "load average after: %s%n", S3UploadBench.loadAverage());
        System.out.printf(Locale.ROOT, "%n| %d s of 720p HLS to S3Proxy | ffmpeg exit -> COMPLETED |%n|---|---|%n", seconds);
        System.out.printf(Locale.ROOT, "| stored while encoding (queue) | %.2f s |%n", whileEncoding);
        System.out.printf(Locale.ROOT, "| stored after the encode, one by one | %.2f s |%n", afterEncoding);
        System.out.printf(Locale.ROOT, "ratio: %.1fx less waiting after ffmpeg exits%n", afterEncoding / whileEncoding);
      }
    } finally {
      server.getOutputStream().close();
      server.waitFor(30, TimeUnit.SECONDS);
      server.destroyForcibly();
      delete(tmp);
    }
  }

  /** Through the queue: seconds from ffmpeg's exit to the task's COMPLETED. */
  private static double throughQueue(S3Storage s3, FfmpegInstallation ffmpeg, String command, Path work)
      throws Exception {
    AtomicLong exited = new AtomicLong();
    FfmpegRunner process = ProcessFfmpegRunner.builder().installation(ffmpeg).build();
    FfmpegRunner timed = job -> {
      try {
        return process.run(job);
      } finally {
        exited.set(System.nanoTime());
      }
    };
    try (FfmpegQueue queue = FfmpegQueue.builder().storage(s3).runner(timed).workspaceRoot(work).minFreeSpace(0)
        .workers(1).defaultTimeout(Duration.ofHours(2)).build()) {
      Task done = queue.submit(TaskRequest.builder().command(command).output("hls/").maxAttempts(1).build())
          .completion().get(2, TimeUnit.HOURS);
      long completed = System.nanoTime();
      if (done.status() != TaskStatus.COMPLETED) {
        throw new IllegalStateException("the task ended " + done.status() + ": " + done.errorMessage());
      }
      System.out.printf(Locale.ROOT, "queue: %d files stored%n", done.outputs().size());
      return (completed - exited.get()) / 1e9;
    }
  }

  /** As before folder outputs: the encode, then every file stored in turn, the playlist last. */
  private static double afterTheEncode(S3Storage s3, FfmpegInstallation ffmpeg, String command, Path dir)
      throws Exception {
    Files.createDirectories(dir.resolve("hls"));
    List<String> argv = new ArrayList<>(List.of(ffmpeg.ffmpeg().toString(), "-hide_banner", "-nostdin", "-loglevel",
        "error", "-y"));
    argv.addAll(io.ffmpegqueue.ffmpeg.FfmpegCommand.parse(command).arguments());
    Process p = new ProcessBuilder(argv).directory(dir.toFile()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("ffmpeg failed");
    }
    long exited = System.nanoTime();
    TaskId id = TaskId.random();
    List<Path> files;
    try (Stream<Path> s = Files.list(dir.resolve("hls"))) {
      files = s.sorted(Comparator.comparing((Path f) -> f.toString().endsWith(".m3u8")).thenComparing(Path::toString))
          .toList();
    }
    for (Path f : files) {
      s3.store(id, "hls/" + f.getFileName(), f);
    }
    System.out.printf(Locale.ROOT, "after the encode: %d files stored%n", files.size());
    return (System.nanoTime() - exited) / 1e9;
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
