package io.ffmpegqueue.bench.s3;

import io.ffmpegqueue.io.FetchRequest;
import io.ffmpegqueue.s3.S3InputFetcher;
import io.ffmpegqueue.testing.FakeTaskContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The {@code s3://} input fetcher next to {@code curl -o} of a presigned URL of the same object, from S3Proxy in a
 * child JVM on loopback: rate and client CPU per GiB (medians), single stream and ranged. The fetcher's CPU is
 * this whole JVM's (GC and JIT included: the server runs in its own); curl's is what bash's {@code times}
 * reports for it.
 *
 * <pre>
 * ./mvnw -B -q -pl ffmpeg-queue-bench -am compile dependency:build-classpath -Dmdep.outputFile=$PWD/ffmpeg-queue-bench/target/bench-cp.txt -Dmdep.includeScope=runtime
 * java -cp ffmpeg-queue-bench/target/classes:$(cat ffmpeg-queue-bench/target/bench-cp.txt) \
 *     io.ffmpegqueue.bench.s3.S3FetchBench [size MiB, default 512] [rounds, default 3]
 * </pre>
 */
public final class S3FetchBench {
  private static final String BUCKET = "bench";
  private static final long MIB = 1L << 20;

  private S3FetchBench() {}

  /** Runs the benchmark. */
  public static void main(String[] args) throws Exception {
    long sizeMiB = args.length > 0 ? Long.parseLong(args[0]) : 512;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path tmp = Files.createTempDirectory("ffq-s3-fetch-bench");
    Process server = S3UploadBench.startServer(tmp.resolve("s3proxy-data"));
    try {
      URI endpoint = URI.create("http://127.0.0.1:" + S3UploadBench.readPort(server));
      Path source = tmp.resolve("source.bin");
      write(source, sizeMiB * MIB);
      try (S3Client admin = S3UploadBench.admin(endpoint)) {
        admin.createBucket(b -> b.bucket(BUCKET));
        admin.putObject(b -> b.bucket(BUCKET).key("source.bin"), source);
      }
      Files.delete(source);
      String url;
      try (S3Presigner presigner = S3Presigner.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
          .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
          .credentialsProvider(StaticCredentialsProvider.create(
              AwsBasicCredentials.create(S3UploadBench.KEY, S3UploadBench.SECRET))).build()) {
        url = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofHours(1))
            .getObjectRequest(g -> g.bucket(BUCKET).key("source.bin"))).url().toString();
      }
      System.out.printf(Locale.ROOT, "%d MiB object in S3Proxy at %s, %d rounds, load %s%n", sizeMiB, endpoint, rounds,
          S3UploadBench.loadAverage());
      Path target = tmp.resolve("fetched.bin");
      List<String> names = List.of("curl -o (presigned URL)", "S3InputFetcher, single stream",
          "S3InputFetcher, defaults (ranged)");
      List<List<double[]>> runs = new ArrayList<>();
      names.forEach(n -> runs.add(new ArrayList<>()));
      // One long-lived fetcher per mode, as a worker holds one: building its client is not part of a fetch.
      try (S3InputFetcher single = fetcher(endpoint, 1); S3InputFetcher ranged = fetcher(endpoint, 0)) {
        fetch(single, target); // untimed: the JIT compiles the fetch path first
        fetch(ranged, target);
        for (int r = 0; r < rounds; r++) {
          for (int c = 0; c < names.size(); c++) {
            Files.deleteIfExists(target);
            long t0 = System.nanoTime();
            double cpu = c == 0 ? curl(url, target) : fetch(c == 1 ? single : ranged, target);
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (Files.size(target) != sizeMiB * MIB) {
              throw new IllegalStateException(names.get(c) + " fetched " + Files.size(target) + " bytes");
            }
            runs.get(c).add(new double[] {sizeMiB / seconds, cpu * 1024 / sizeMiB});
          }
        }
      }
      System.out.println("| client | median MiB/s | vs curl | client CPU s per GiB (median) | vs curl |");
      System.out.println("|---|---:|---:|---:|---:|");
      double[] curl = medians(runs.get(0));
      for (int c = 0; c < names.size(); c++) {
        double[] m = medians(runs.get(c));
        System.out.printf(Locale.ROOT, "| %s | %.0f | %.2fx | %.2f | %.2fx |%n", names.get(c), m[0], m[0] / curl[0], m[1],
            m[1] / curl[1]);
      }
      System.out.println("load after: " + S3UploadBench.loadAverage());
    } finally {
      server.getOutputStream().close();
      server.waitFor(30, TimeUnit.SECONDS);
      server.destroyForcibly();
      S3UploadBench.deleteTree(tmp); // the object and the fetched copy: 1 GiB at the default size
    }
  }

  /** A fetcher with {@code concurrency} ranges (0: the fetcher's default). */
  private static S3InputFetcher fetcher(URI endpoint, int concurrency) {
    S3InputFetcher.Builder b = S3InputFetcher.builder().endpoint(endpoint).region("us-east-1").pathStyleAccess(true)
        .credentials(S3UploadBench.KEY, S3UploadBench.SECRET).allowBuckets(BUCKET);
    if (concurrency > 0) {
      b.concurrency(concurrency);
    }
    return b.build();
  }

  /** One fetch into {@code target}; the CPU seconds this JVM used meanwhile. */
  private static double fetch(S3InputFetcher fetcher, Path target) throws IOException {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    Files.deleteIfExists(target);
    fetcher.fetch(new FetchRequest("source.bin", URI.create("s3://" + BUCKET + "/source.bin"), target,
        new FakeTaskContext()));
    return (os.getProcessCpuTime() - cpu0) / 1e9;
  }

  /** Runs curl under bash, whose {@code times} reports the CPU time of its children. */
  private static double curl(String url, Path target) throws Exception {
    String script = "curl -s -S -f -o '" + target + "' '" + url + "' || exit 1; times";
    Process p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("curl failed: " + out);
    }
    String[] children = out.strip().split("\\R")[1].trim().split("\\s+"); // the shell's line, then curl's
    return seconds(children[0]) + seconds(children[1]);
  }

  private static double seconds(String times) {
    int m = times.indexOf('m');
    return Long.parseLong(times.substring(0, m)) * 60 + Double.parseDouble(times.substring(m + 1, times.length() - 1));
  }

  private static double[] medians(List<double[]> runs) {
    List<Double> rate = new ArrayList<>(runs.stream().map(r -> r[0]).toList());
    List<Double> cpu = new ArrayList<>(runs.stream().map(r -> r[1]).toList());
    rate.sort(null);
    cpu.sort(null);
    return new double[] {rate.get((rate.size() - 1) / 2), cpu.get((cpu.size() - 1) / 2)};
  }

  /** Bytes that do not compress. */
  private static void write(Path file, long size) throws IOException {
    SplittableRandom random = new SplittableRandom(1);
    byte[] block = new byte[(int) MIB];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long done = 0; done < size; done += block.length) {
        for (int i = 0; i < block.length; i += 8) {
          long v = random.nextLong();
          for (int k = 0; k < 8; k++) {
            block[i + k] = (byte) (v >>> (8 * k));
          }
        }
        out.write(block, 0, (int) Math.min(block.length, size - done));
      }
    }
  }
}
