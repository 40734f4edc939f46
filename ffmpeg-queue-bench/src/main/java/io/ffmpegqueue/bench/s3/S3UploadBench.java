package io.ffmpegqueue.bench.s3;

import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.io.StoredObject;
import io.ffmpegqueue.s3.S3Storage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Uploads one file (1 GiB by default) to S3Proxy through {@link S3Storage} and with {@code aws s3 cp},
 * alternating, several rounds, and prints the throughput of each and their ratio. S3Proxy runs in a
 * child JVM on a loopback port with SigV4 checking, storing into a temporary folder.
 *
 * <p>Options: {@code --size-mib N} (1024), {@code --rounds N} (3), {@code --part-mib N} (8),
 * {@code --concurrency N} (8), {@code --aws PATH} ({@code aws} on the PATH).
 */
public final class S3UploadBench {
  static final String KEY = "bench-access-key";
  static final String SECRET = "bench-secret-key-0123456789";
  private static final String BUCKET = "bench";
  private static final long MIB = 1L << 20;

  private S3UploadBench() {}

  /** Runs the benchmark. */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = options(args);
    long size = Long.parseLong(opts.getOrDefault("size-mib", "1024")) * MIB;
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
    long partSize = Long.parseLong(opts.getOrDefault("part-mib", "8")) * MIB;
    int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "8"));
    String aws = opts.getOrDefault("aws", "aws");

    Path tmp = Files.createTempDirectory("ffq-s3-bench");
    Process server = null;
    try {
      Path file = tmp.resolve("upload.bin");
      System.out.printf(Locale.ROOT, "writing %d MiB of random bytes to %s%n", size / MIB, file);
      write(file, size);
      server = startServer(tmp.resolve("s3proxy-data"));
      int port = readPort(server);
      URI endpoint = URI.create("http://127.0.0.1:" + port);
      System.out.println("S3Proxy (child JVM, SigV4) at " + endpoint);
      try (S3Client admin = admin(endpoint)) {
        admin.createBucket(b -> b.bucket(BUCKET));
      }
      Path awsConfig = Files.writeString(tmp.resolve("aws-config"),
          "[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n");
      String cliVersion = run(List.of(aws, "--version"), cliEnv(awsConfig, tmp), tmp).strip();
      System.out.println("CLI: " + cliVersion);
      System.out.println("machine: " + machine());
      System.out.println("S3Storage: partSize " + partSize / MIB + " MiB, concurrency " + concurrency);

      List<Double> cli = new ArrayList<>();
      List<Double> storage = new ArrayList<>();
      List<Double> cliCpu = new ArrayList<>();
      List<Double> storageCpu = new ArrayList<>();
      try (S3Storage s3 = S3Storage.builder().bucket(BUCKET).endpoint(endpoint).credentials(KEY, SECRET)
          .partSize(partSize).concurrency(concurrency).build()) {
        // Warm-up: let the JIT compile the upload path before anything is timed.
        Path warm = tmp.resolve("warmup.bin");
        write(warm, Math.min(size, 128 * MIB));
        TaskId warmId = TaskId.random();
        s3.store(warmId, "warmup.bin", warm);
        s3.delete(warmId);
        Files.delete(warm);

        for (int r = 1; r <= rounds; r++) {
          // Alternate which goes first, so neither always meets a fresher server or page cache.
          boolean cliFirst = r % 2 == 1;
          for (int k = 0; k < 2; k++) {
            if (cliFirst == (k == 0)) {
              String load = loadAverage();
              double server0 = cpuSeconds(server);
              double[] m = timeCli(aws, file, endpoint, awsConfig, tmp, size);
              double serverCpu = cpuSeconds(server) - server0;
              cli.add(m[0]);
              cliCpu.add(m[1]);
              System.out.printf(Locale.ROOT, "round %d  aws s3 cp   %8.1f MiB/s  CPU: client %5.1f s, server %5.1f s"
                  + "  (load %s)%n", r, m[0], m[1], serverCpu, load);
              try (S3Client admin = admin(endpoint)) {
                admin.deleteObject(d -> d.bucket(BUCKET).key("cli/upload.bin"));
              }
            } else {
              String load = loadAverage();
              TaskId id = TaskId.random();
              long cpu0 = processCpuNanos();
              double server0 = cpuSeconds(server);
              long t0 = System.nanoTime();
              StoredObject o = s3.store(id, "upload.bin", file);
              double secs = (System.nanoTime() - t0) / 1e9;
              double cpu = (processCpuNanos() - cpu0) / 1e9;
              double serverCpu = cpuSeconds(server) - server0;
              storageCpu.add(cpu);
              if (o.size() != size) {
                throw new IllegalStateException("stored " + o.size() + " bytes, expected " + size);
              }
              double mibs = size / (double) MIB / secs;
              storage.add(mibs);
              System.out.printf(Locale.ROOT, "round %d  S3Storage   %8.1f MiB/s  CPU: client %5.1f s, server %5.1f s"
                  + "  (load %s)%n", r, mibs, cpu, serverCpu, load);
              s3.delete(id);
            }
          }
        }
      }
      double c = median(cli);
      double s = median(storage);
      System.out.printf(Locale.ROOT, "median: S3Storage %.1f MiB/s, aws s3 cp %.1f MiB/s, ratio %.2fx%n", s, c, s / c);
      double cb = cli.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
      double sb = storage.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
      System.out.printf(Locale.ROOT, "best:   S3Storage %.1f MiB/s, aws s3 cp %.1f MiB/s, ratio %.2fx%n", sb, cb, sb / cb);
      System.out.printf(Locale.ROOT, "median client CPU per upload: S3Storage %.1f s, aws s3 cp %.1f s%n",
          median(storageCpu), median(cliCpu));
    } finally {
      if (server != null) {
        server.getOutputStream().close();
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
          server.destroyForcibly().waitFor();
        }
      }
      deleteTree(tmp);
    }
  }

  /** Throughput in MiB/s and the CLI's CPU seconds (user + system, from the shell's {@code times}). */
  private static double[] timeCli(String aws, Path file, URI endpoint, Path awsConfig, Path tmp, long size)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    String out = run(List.of("bash", "-c", "\"$@\" && times", "bash", aws, "s3", "cp", "--only-show-errors",
        "--endpoint-url", endpoint.toString(), file.toString(), "s3://" + BUCKET + "/cli/upload.bin"),
        cliEnv(awsConfig, tmp), tmp);
    double secs = (System.nanoTime() - t0) / 1e9;
    // times prints the shell's own user/system times, then its children's: "0m3.120s 0m0.950s".
    String[] lines = out.strip().split("\n");
    String[] children = lines[lines.length - 1].trim().split("\\s+");
    double cpu = shellSeconds(children[0]) + shellSeconds(children[1]);
    return new double[] {size / (double) MIB / secs, cpu};
  }

  private static double shellSeconds(String t) {
    int m = t.indexOf('m');
    return Double.parseDouble(t.substring(0, m)) * 60 + Double.parseDouble(t.substring(m + 1, t.length() - 1));
  }

  private static double cpuSeconds(Process p) {
    return p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0];
    } catch (IOException e) {
      return "?";
    }
  }

  private static Map<String, String> cliEnv(Path awsConfig, Path tmp) {
    return Map.of(
        "AWS_ACCESS_KEY_ID", KEY,
        "AWS_SECRET_ACCESS_KEY", SECRET,
        "AWS_CONFIG_FILE", awsConfig.toString(),
        "AWS_SHARED_CREDENTIALS_FILE", tmp.resolve("no-credentials-file").toString(),
        "AWS_DEFAULT_REGION", "us-east-1");
  }

  private static String run(List<String> command, Map<String, String> env, Path dir)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command.subList(0, Math.min(3, command.size())))
          + " failed: " + out);
    }
    return out;
  }

  static Process startServer(Path dataDir) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), S3ProxyProcess.class.getName(),
        dataDir.toString(), KEY, SECRET)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  static int readPort(Process server) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    for (int i = 0; i < 200; i++) {
      String line = r.readLine();
      if (line == null) {
        break;
      }
      if (line.startsWith("READY ")) {
        return Integer.parseInt(line.substring(6).trim());
      }
    }
    throw new IllegalStateException("S3Proxy did not start");
  }

  static S3Client admin(URI endpoint) {
    return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)))
        .build();
  }

  private static void write(Path file, long size) throws IOException {
    SplittableRandom random = new SplittableRandom(1);
    byte[] block = new byte[(int) MIB];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; ) {
        for (int i = 0; i < block.length; i += 8) {
          long v = random.nextLong();
          for (int j = 0; j < 8; j++) {
            block[i + j] = (byte) (v >>> (8 * j));
          }
        }
        int n = (int) Math.min(block.length, left);
        out.write(block, 0, n);
        left -= n;
      }
    }
  }

  static String machine() {
    String cpu = "unknown CPU";
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      cpu = lines.filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(cpu);
    } catch (IOException ignored) {
      // not Linux
    }
    return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), "
        + (Runtime.getRuntime().maxMemory() >> 20) + " MiB max heap, Java " + System.getProperty("java.version")
        + ", " + System.getProperty("os.name") + " " + System.getProperty("os.version");
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(Comparator.naturalOrder());
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> m = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      m.put(args[i].substring(2), args[i + 1]);
    }
    return m;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
