package io.ffmpegqueue.bench.ffmpeg;

import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import io.ffmpegqueue.ffmpeg.FfmpegInstallation;
import io.ffmpegqueue.ffmpeg.FfmpegLocator;
import io.ffmpegqueue.ffmpeg.SplitCheck;
import io.ffmpegqueue.internal.split.PartCommands;
import io.ffmpegqueue.internal.split.SourceMedia;
import io.ffmpegqueue.internal.split.SplitPlan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Split-and-stitch against a single pass, on a generated 1080p clip with testsrc2, mandelbrot and noise
 * scenes and a tone: output size and PSNR/SSIM against the source (ffmpeg's own filters) for 10, 30 and
 * 60 s segments; CPU-seconds of every process (probe, parts, audio, stitch) against the single pass; wall
 * time with two concurrent single-threaded workers against one single-threaded ffmpeg; and a 60 s clip cut
 * in two. Every ffmpeg runs with {@code -threads 1} (decoder and encoder) and {@code -benchmark}, whose
 * {@code utime + stime} is its CPU time. Prints Markdown for {@code docs/benchmarks.md}.
 *
 * <p>Run from the repository root ({@code clip seconds}, default 600; the frame size, default 1920x1080):
 * <pre>
 * ./mvnw -B -q -pl ffmpeg-queue-bench -am compile dependency:build-classpath -Dmdep.outputFile=$PWD/ffmpeg-queue-bench/target/bench-cp.txt -Dmdep.includeScope=runtime
 * java -cp ffmpeg-queue-bench/target/classes:ffmpeg-queue-core/target/classes:$(cat ffmpeg-queue-bench/target/bench-cp.txt) \
 *     io.ffmpegqueue.bench.ffmpeg.SplitBench [clip seconds] [folder] [WxH, default 1920x1080] [segments, default 10,30,60]
 * </pre>
 *
 * <p>A folder that already holds a {@code src.mp4} from an earlier run is reused (no new clip); a segments
 * list of its own (e.g. {@code 30}) runs only those arms, and the 60 s clip only when 30 is among them;
 * {@code -Dsplit.noQuality=true} skips the PSNR/SSIM passes (CPU and wall time only).
 */
public final class SplitBench {
  static final String COMMAND = "-i src.mp4 -c:v libx264 -preset veryfast -crf 23 -c:a aac -b:a 128k out.mp4";
  private static final Pattern BENCH = Pattern.compile("bench: utime=([0-9.]+)s stime=([0-9.]+)s");

  private final FfmpegInstallation ffmpeg;
  private final Path dir;

  private SplitBench(FfmpegInstallation ffmpeg, Path dir) {
    this.ffmpeg = ffmpeg;
    this.dir = dir;
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 600;
    Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("ffq-split-bench");
    String frameSize = args.length > 2 ? args[2] : "1920x1080";
    Files.createDirectories(dir);
    SplitBench b = new SplitBench(FfmpegLocator.defaults().locate(), dir);
    System.out.println("ffmpeg " + b.ffmpeg.version() + ", " + Runtime.getRuntime().availableProcessors()
        + " CPUs, command `" + COMMAND + "` (-threads 1 for decoder and encoder), folder " + dir);
    System.out.println("load before: " + uptime());
    int[] segments = args.length > 3 ? Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray()
        : new int[] {10, 30, 60};
    if (Files.exists(dir.resolve("src.mp4"))) {
      System.out.println("reusing " + dir.resolve("src.mp4")); // an earlier run's clip: same source, new arms
    } else {
      b.generate(seconds, frameSize);
    }
    Run single = b.single("src.mp4", "single.mp4");
    double[] singleQ = b.quality("single.mp4", "src.mp4");
    System.out.printf(Locale.ROOT, "%n| arm | parts | size (bytes) | size vs single | PSNR (dB) | SSIM | CPU-s | CPU vs single | wall s (2 workers) | load |%n");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    System.out.printf(Locale.ROOT, "| single pass | 1 | %d | 1.000 | %.3f | %.5f | %.1f | 1.000 | %.1f (1 worker) | %s |%n",
        Files.size(dir.resolve("single.mp4")), singleQ[0], singleQ[1], single.cpu, single.wall, uptime());
    for (int segment : segments) {
      String out = "split" + segment + ".mp4";
      Run split = b.split("src.mp4", out, segment, 2);
      double[] q = b.quality(out, "src.mp4");
      long size = Files.size(dir.resolve(out));
      System.out.printf(Locale.ROOT, "| split %d s | %d | %d | %.3f | %.3f (%+.3f) | %.5f | %.1f | %.3f | %.1f (%.2fx) | %s |%n",
          segment, split.parts, size, size / (double) Files.size(dir.resolve("single.mp4")), q[0], q[0] - singleQ[0],
          q[1], split.cpu, split.cpu / single.cpu, split.wall, single.wall / split.wall, uptime());
      System.out.printf(Locale.ROOT, "  per-process CPU-s: probe %.2f, parts (in the order handed out: largest source bytes first) %s, audio %.2f, stitch %.2f%n", split.probe,
          split.partCpu, split.audio, split.stitch);
    }
    if (Arrays.stream(segments).noneMatch(x -> x == 30)) {
      return;
    }
    b.ffmpeg("-i", "src.mp4", "-t", "60", "-c", "copy", "src60.mp4");
    Run single60 = b.single("src60.mp4", "single60.mp4");
    Run split60 = b.split("src60.mp4", "split60.mp4", 30, 2);
    System.out.printf(Locale.ROOT, "%n60 s clip, 30 s segments (2 parts, 2 workers): single %.1f s wall / %.1f CPU-s, split %.1f s wall"
        + " / %.1f CPU-s: wall ratio %.2f, CPU ratio %.2f (load %s)%n", single60.wall, single60.cpu, split60.wall, split60.cpu,
        split60.wall / single60.wall, split60.cpu / single60.cpu, uptime());
  }

  /** testsrc2, mandelbrot and noise scenes, a third of the clip each, {@code size} at 25 fps, with a tone. */
  private void generate(int seconds, String size) {
    int scene = seconds / 3;
    String[] wh = size.split("x");
    String graph = String.format(Locale.ROOT, "testsrc2=s=%1$s:r=25:d=%2$d[a];"
        + "mandelbrot=s=480x270:r=25:maxiter=256,trim=duration=%2$d,scale=%3$s:%4$s,format=yuv420p[b];"
        + "testsrc2=s=%1$s:r=25:d=%5$d,hue=H=t/3,noise=alls=8:allf=t+u[c];"
        + "[a][b][c]concat=n=3:v=1:a=0,format=yuv420p[v]", size, scene, wh[0], wh[1], seconds - 2 * scene);
    long t0 = System.nanoTime();
    ffmpeg("-filter_complex", graph, "-f", "lavfi", "-i", "sine=f=440:b=2:d=" + seconds, "-map", "[v]", "-map", "0:a",
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "16", "-c:a", "aac", "-b:a", "192k", "src.mp4");
    System.out.printf(Locale.ROOT, "generated a %d s %s 25 fps clip (source: x264 ultrafast CRF 16) in %.0f s%n", seconds, size,
        (System.nanoTime() - t0) / 1e9);
  }

  private Run single(String src, String out) throws IOException {
    long t0 = System.nanoTime();
    double cpu = ffmpeg(FfmpegCommand.parse(COMMAND.replace("src.mp4", src).replace("out.mp4", out)).arguments());
    return new Run(1, cpu, (System.nanoTime() - t0) / 1e9, 0, List.of(), 0, 0);
  }

  /** Probe, then the parts and the audio on {@code workers} concurrent single-threaded ffmpegs, then the stitch. */
  private Run split(String src, String out, int segment, int workers) throws Exception {
    PartCommands c = new PartCommands(SplitCheck.check(FfmpegCommand.parse(COMMAND.replace("src.mp4", src).replace("out.mp4", out))));
    long t0 = System.nanoTime();
    double probe = ffmpeg(c.probe().arguments());
    SplitPlan plan = SplitPlan.of(SourceMedia.parse(Files.readString(dir.resolve(PartCommands.PROBE_OUTPUT))), segment);
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    List<Future<Double>> parts = new ArrayList<>();
    try {
      // the order SplitParts stores them in, so workers claim them in: largest first, the audio last
      for (SplitPlan.Part p : plan.largestFirst()) {
        parts.add(pool.submit(() -> ffmpeg(c.part(p).arguments())));
      }
      Future<Double> audio = pool.submit(() -> ffmpeg(c.audio().arguments()));
      List<Double> partCpu = new ArrayList<>();
      double cpu = probe;
      for (Future<Double> f : parts) {
        partCpu.add(Math.round(f.get() * 100) / 100.0);
        cpu += f.get();
      }
      double audioCpu = audio.get();
      Files.writeString(dir.resolve(PartCommands.CONCAT_LIST), c.concatList(plan));
      double stitch = ffmpeg(c.stitch(plan, true).arguments());
      cpu += audioCpu + stitch;
      return new Run(plan.parts().size(), cpu, (System.nanoTime() - t0) / 1e9, probe, partCpu, audioCpu, stitch);
    } finally {
      pool.shutdownNow();
    }
  }

  /** PSNR (average) and SSIM (All) of {@code out} against {@code src}. */
  private double[] quality(String out, String src) {
    if (Boolean.getBoolean("split.noQuality")) { // -Dsplit.noQuality=true: CPU and wall only (NaN in the table)
      return new double[] {Double.NaN, Double.NaN};
    }
    String err = run(List.of("-i", out, "-i", src, "-lavfi", "[0:v]split[a][b];[1:v]split[c][d];[a][c]psnr;[b][d]ssim",
        "-f", "null", "-"));
    Matcher p = Pattern.compile("PSNR .*average:([0-9.]+)").matcher(err);
    Matcher s = Pattern.compile("SSIM .*All:([0-9.]+)").matcher(err);
    if (!p.find() || !s.find()) {
      throw new IllegalStateException("no PSNR/SSIM in: " + err);
    }
    return new double[] {Double.parseDouble(p.group(1)), Double.parseDouble(s.group(1))};
  }

  /** Runs ffmpeg single-threaded with {@code -benchmark}; returns its CPU-seconds. */
  private double ffmpeg(List<String> arguments) {
    String err = run(arguments);
    Matcher m = BENCH.matcher(err);
    double cpu = 0;
    while (m.find()) {
      cpu = Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2));
    }
    return cpu;
  }

  private double ffmpeg(String... arguments) {
    return ffmpeg(List.of(arguments));
  }

  private String run(List<String> arguments) {
    List<String> cmd = new ArrayList<>(List.of(ffmpeg.ffmpeg().toString(), "-hide_banner", "-nostdin", "-y", "-benchmark",
        "-filter_threads", "1"));
    for (String a : arguments) {
      if (a.equals("-i")) {
        cmd.addAll(List.of("-threads", "1"));
      }
      cmd.add(a);
    }
    cmd.add(cmd.size() - 1, "-threads");
    cmd.add(cmd.size() - 1, "1");
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed: " + err.substring(Math.max(0, err.length() - 2000)));
      }
      return err;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String uptime() {
    try {
      String[] l = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return l[0] + " " + l[1] + " " + l[2];
    } catch (IOException e) {
      return "?";
    }
  }

  private record Run(int parts, double cpu, double wall, double probe, List<Double> partCpu, double audio, double stitch) {}
}
