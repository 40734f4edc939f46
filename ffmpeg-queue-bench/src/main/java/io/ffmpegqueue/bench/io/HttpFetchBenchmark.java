package io.ffmpegqueue.bench.io;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ffmpegqueue.io.FetchRequest;
import io.ffmpegqueue.io.HttpInputFetcher;
import io.ffmpegqueue.testing.FakeTaskContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The HTTP input fetcher's throughput next to {@code curl -o}, on a 1 GiB file served from loopback by a
 * JDK HTTP server with range support: single stream and parallel ranges, unthrottled and with a cap per
 * connection (as CDNs and object stores have). Not a test: run it by hand (see docs/benchmarks.md).
 *
 * <p>Arguments: {@code [sizeMiB=1024] [runs=3] [capMiBPerConnection=100]}.
 */
public final class HttpFetchBenchmark {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

  private HttpFetchBenchmark() {}

  /** Runs the benchmark and prints a Markdown table. */
  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("serve")) {
      serveUntilStdinCloses(Path.of(args[1]), Long.parseLong(args[2]));
      return;
    }
    long sizeMiB = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    long capMiB = args.length > 2 ? Long.parseLong(args[2]) : 100;
    Path dir = Files.createTempDirectory("ffq-http-bench");
    Path file = dir.resolve("source.bin");
    Process server = null;
    try {
      generate(file, sizeMiB << 20);
      generate(dir.resolve("warm.bin"), 96L << 20);
      // The server runs in a JVM of its own, as a remote server would: the client's JVM measures only the client.
      server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), HttpFetchBenchmark.class.getName(), "serve", file.toString(),
          Long.toString(capMiB << 20)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String port = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream(),
          java.nio.charset.StandardCharsets.UTF_8)).readLine();
      String base = "http://127.0.0.1:" + port;
      System.out.printf(Locale.ROOT, "file %d MiB, %d runs each (best and median), %d cores, java %s%n%n",
          sizeMiB, runs, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
      System.out.println("| server | client | best MiB/s | median MiB/s | vs curl (median) | client CPU s per GiB (median) |");
      System.out.println("|---|---|---:|---:|---:|---:|");
      List<String> names = List.of("curl -o", "HttpInputFetcher, single stream", "HttpInputFetcher, 4 ranges of 16 MiB",
          "HttpInputFetcher, 8 ranges of 16 MiB");
      for (String kind : List.of("full", "capped")) {
        String url = base + "/" + kind + "/source.bin";
        String label = kind.equals("full") ? "loopback, unthrottled" : "loopback, " + capMiB + " MiB/s per connection";
        List<Download> clients = clients(url);
        // Warm up the JIT on a smaller file, as a long-running worker would be.
        for (Download c : clients(base + "/" + kind + "/warm.bin")) {
          Path t = dir.resolve("warm-download.bin");
          c.to(t);
          Files.delete(t);
        }
        // Clients take turns in each round, so that a busy moment of a shared machine does not hit one alone.
        List<List<double[]>> rates = new ArrayList<>();
        clients.forEach(c -> rates.add(new ArrayList<>()));
        int reps = kind.equals("full") ? runs : Math.max(1, runs - 1);
        for (int r = 0; r < reps; r++) {
          for (int c = 0; c < clients.size(); c++) {
            rates.get(c).add(measure(sizeMiB, dir, clients.get(c)));
          }
        }
        Result curl = result(rates.get(0));
        for (int c = 0; c < clients.size(); c++) {
          row(label, names.get(c), result(rates.get(c)), curl);
        }
      }
    } finally {
      if (server != null) {
        server.getOutputStream().close();
        server.waitFor(10, TimeUnit.SECONDS);
        server.destroyForcibly();
      }
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /**
   * The server side: serves the files of the folder of {@code file} on a free loopback port, prints the port,
   * stops when stdin closes.
   */
  static void serveUntilStdinCloses(Path file, long cap) throws IOException {
    ExecutorService threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "bench-http");
      t.setDaemon(true);
      return t;
    });
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(threads);
    server.createContext("/full/", ex -> serve(ex, file.resolveSibling(name(ex)), 0));
    server.createContext("/capped/", ex -> serve(ex, file.resolveSibling(name(ex)), cap));
    server.start();
    System.out.println(server.getAddress().getPort());
    System.out.flush();
    try {
      System.in.transferTo(OutputStream.nullOutputStream());
    } finally {
      server.stop(0);
      threads.shutdownNow();
    }
  }

  private static List<Download> clients(String url) {
    return List.of(t -> curl(url, t), t -> fetch(url, t, 1), t -> fetch(url, t, 4), t -> fetch(url, t, 8));
  }

  /** The file a request names, in the served folder: the last part of its path when it is a plain name. */
  static String name(HttpExchange ex) {
    String path = ex.getRequestURI().getPath();
    String last = path.substring(path.lastIndexOf('/') + 1);
    return last.matches("[A-Za-z0-9][A-Za-z0-9._-]*") ? last : "source.bin";
  }

  private interface Download {
    /** Downloads to {@code target}; returns the CPU seconds the client used. */
    double to(Path target) throws Exception;
  }

  private record Result(double best, double median, double cpuPerGiB) {}

  /** One download: its rate in MiB/s and the CPU time its client used, in seconds per GiB. */
  private static double[] measure(long sizeMiB, Path dir, Download d) throws Exception {
    Path target = dir.resolve("download.bin");
    long t0 = System.nanoTime();
    double cpu = d.to(target);
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (Files.size(target) != sizeMiB << 20) {
      throw new IllegalStateException("downloaded " + Files.size(target) + " bytes, expected " + (sizeMiB << 20));
    }
    Files.delete(target);
    return new double[] {sizeMiB / seconds, cpu * 1024 / sizeMiB};
  }

  private static Result result(List<double[]> runs) {
    List<Double> rates = new ArrayList<>(runs.stream().map(r -> r[0]).toList());
    List<Double> cpu = new ArrayList<>(runs.stream().map(r -> r[1]).toList());
    rates.sort(null);
    cpu.sort(null);
    return new Result(rates.get(rates.size() - 1), rates.get((rates.size() - 1) / 2), cpu.get((cpu.size() - 1) / 2));
  }

  private static void row(String server, String client, Result r, Result curl) {
    System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.2fx | %.2f |%n", server, client, r.best(), r.median(),
        r.median() / curl.median(), r.cpuPerGiB());
  }

  /** Runs curl under bash, whose {@code times} reports the CPU time of its children. */
  private static double curl(String url, Path target) throws Exception {
    String script = "curl -s -S -f -o '" + target + "' '" + url + "' || exit 1; times";
    Process p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("curl failed: " + out);
    }
    // "0m0.001s 0m0.002s" for the shell, then the same for its children (curl).
    String[] children = out.strip().split("\\R")[1].trim().split("\\s+");
    return seconds(children[0]) + seconds(children[1]);
  }

  private static double seconds(String times) {
    int m = times.indexOf('m');
    return Long.parseLong(times.substring(0, m)) * 60 + Double.parseDouble(times.substring(m + 1, times.length() - 1));
  }

  private static double fetch(String url, Path target, int parallelism) {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    try (HttpInputFetcher f = HttpInputFetcher.builder().allow("127.0.0.1")
        .parallelism(parallelism).partSize(16L << 20).rangedAbove(64L << 20).build()) {
      f.fetch(new FetchRequest("source.bin", URI.create(url), target, new FakeTaskContext()));
    }
    // The whole client JVM (GC and JIT included): the server runs in another one.
    return (os.getProcessCpuTime() - cpu0) / 1e9;
  }

  /** Writes {@code size} bytes that do not compress (no transport would shrink them). */
  private static void generate(Path file, long size) throws IOException {
    byte[] block = new byte[4 << 20];
    new Random(42).nextBytes(block);
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (long written = 0; written < size; ) {
        block[0]++;
        ByteBuffer b = ByteBuffer.wrap(block, 0, (int) Math.min(block.length, size - written));
        while (b.hasRemaining()) {
          written += out.write(b);
        }
      }
    }
  }

  /** Serves {@code file} with range support; {@code cap} bytes per second per response, or 0 for no cap. */
  private static void serve(HttpExchange ex, Path file, long cap) throws IOException {
    try (ex; FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      long first = 0;
      long last = size - 1;
      String range = ex.getRequestHeaders().getFirst("Range");
      Matcher m = range == null ? null : RANGE.matcher(range);
      boolean partial = m != null && m.matches();
      ex.getResponseHeaders().set("Accept-Ranges", "bytes");
      ex.getResponseHeaders().set("ETag", "\"bench-" + size + "\"");
      if (partial) {
        first = Long.parseLong(m.group(1));
        if (!m.group(2).isEmpty()) {
          last = Math.min(last, Long.parseLong(m.group(2)));
        }
        ex.getResponseHeaders().set("Content-Range", "bytes " + first + "-" + last + "/" + size);
      }
      long length = last - first + 1;
      ex.sendResponseHeaders(partial ? 206 : 200, length);
      byte[] buf = new byte[1 << 20];
      ByteBuffer bb = ByteBuffer.wrap(buf);
      OutputStream out = ex.getResponseBody();
      long start = System.nanoTime();
      long sent = 0;
      while (sent < length) {
        bb.clear().limit((int) Math.min(buf.length, length - sent));
        int n = in.read(bb, first + sent);
        if (n < 0) {
          break;
        }
        out.write(buf, 0, n);
        sent += n;
        if (cap > 0) {
          long due = start + (long) (sent * 1e9 / cap);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
      }
      out.close();
    } catch (IOException e) {
      // the client went away (a cancelled range): nothing to do
    }
  }
}
