package io.ffmpegqueue.internal.split;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.ffmpeg.CapturedRun;
import io.ffmpegqueue.ffmpeg.CommandPolicy;
import io.ffmpegqueue.ffmpeg.FfmpegCommand;
import io.ffmpegqueue.ffmpeg.FfmpegInstallation;
import io.ffmpegqueue.ffmpeg.FfmpegJob;
import io.ffmpegqueue.ffmpeg.FfmpegRunner;
import io.ffmpegqueue.ffmpeg.ProcessFfmpegRunner;
import io.ffmpegqueue.ffmpeg.Sandbox;
import io.ffmpegqueue.ffmpeg.SplitCheck;
import io.ffmpegqueue.ffmpeg.TestFfmpeg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs a split encode step by step through the real runner in one folder, and measures media with ffmpeg. */
final class SplitMedia {
  final FfmpegInstallation ffmpeg;
  final FfmpegRunner runner;
  final Path dir;

  SplitMedia(FfmpegInstallation ffmpeg, Path dir) {
    this.ffmpeg = ffmpeg;
    this.dir = dir;
    this.runner = ProcessFfmpegRunner.builder().installation(ffmpeg).sandbox(Sandbox.AUTO)
        .policy(CommandPolicy.builder().allowInputFormats("concat").build()).build();
  }

  /** The plan and commands of {@code command} at {@code segmentSeconds}, after running the probe. */
  Split plan(String command, double segmentSeconds) throws IOException {
    PartCommands commands = new PartCommands(SplitCheck.check(FfmpegCommand.parse(command)));
    run(commands.probe(), List.of(commands.command().inputUrl()), List.of(PartCommands.PROBE_OUTPUT));
    SourceMedia source = SourceMedia.parse(Files.readString(dir.resolve(PartCommands.PROBE_OUTPUT)));
    return new Split(commands, SplitPlan.of(source, segmentSeconds));
  }

  /** Runs every part, the audio part and the stitch; returns the output. */
  Path encode(Split s) throws IOException {
    String input = s.commands.command().inputUrl();
    for (SplitPlan.Part p : s.plan.parts()) {
      run(s.commands.part(p), List.of(input), List.of(s.commands.partName(p.index())));
    }
    boolean audio = s.commands.command().audio() && s.plan.source().audio();
    if (audio) {
      run(s.commands.audio(), List.of(input), List.of(s.commands.audioName()));
    }
    Files.writeString(dir.resolve(PartCommands.CONCAT_LIST), s.commands.concatList(s.plan));
    run(s.commands.stitch(s.plan, audio), s.commands.stitchInputs(s.plan, audio), List.of(s.commands.command().outputUrl()));
    return dir.resolve(s.commands.command().outputUrl());
  }

  void run(FfmpegCommand c, List<String> inputs, List<String> outputs) {
    TestFfmpeg.Context ctx = new TestFfmpeg.Context("-i in.mp4 out.mp4", List.of("in.mp4"), List.of("out.mp4"));
    runner.run(new FfmpegJob(c, dir, inputs, outputs, ctx));
  }

  /** The probe of any file in the folder (its video packets' times and its audio span). */
  SourceMedia probe(String name) throws IOException {
    String listing = name + ".probe.txt";
    ffmpeg("-i", name, "-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", "-f", "framecrc", listing);
    return SourceMedia.parse(Files.readString(dir.resolve(listing)));
  }

  /** Decoded frames of the first video stream, counted by ffprobe. */
  int decodedFrames(String name) {
    return Integer.parseInt(ffprobe("-count_frames", "-select_streams", "v:0", "-show_entries",
        "stream=nb_read_frames", "-of", "csv=p=0", name).strip());
  }

  /** The duration in seconds of the decoded audio (samples / rate), or 0 without audio. */
  double decodedAudioSeconds(String name) {
    String out = ffmpegStderr("-i", name, "-map", "0:a:0", "-af", "astats=metadata=0:reset=0", "-f", "null", "-");
    Matcher m = Pattern.compile("Number of samples: (\\d+)").matcher(out);
    long samples = 0;
    while (m.find()) {
      samples = Long.parseLong(m.group(1));
    }
    String rate = ffprobe("-select_streams", "a:0", "-show_entries", "stream=sample_rate", "-of", "csv=p=0", name).strip();
    return samples / Double.parseDouble(rate);
  }

  /** The silences ffmpeg's silencedetect finds in the decoded audio between {@code from} and {@code to} seconds. */
  List<String> silences(String name, double from, double to) {
    String out = ffmpegStderr("-ss", Double.toString(from), "-t", Double.toString(to - from), "-i", name, "-map", "0:a:0",
        "-af", "silencedetect=n=-40dB:d=0.002", "-f", "null", "-");
    List<String> found = new ArrayList<>();
    out.lines().filter(l -> l.contains("silence_start")).forEach(found::add);
    return found;
  }

  /** The lowest per-frame PSNR of {@code b} against {@code a}, frame by frame in order. */
  double minPsnr(String a, String b) {
    String out = ffmpegStderr("-i", a, "-i", b, "-lavfi", "[0:v][1:v]psnr", "-f", "null", "-");
    Matcher m = Pattern.compile("PSNR .* min:([0-9.inf]+)").matcher(out);
    assertThat(m.find()).as("psnr printed: %s", out).isTrue();
    return m.group(1).equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
  }

  /**
   * Runs {@code c} again (its output renamed) at verbose level and returns what ffmpeg's own report says
   * of the input's first video stream: {packets read, frames decoded}.
   */
  long[] decoderCounts(FfmpegCommand c) {
    List<String> args = new ArrayList<>(List.of("-y", "-v", "verbose"));
    args.addAll(c.arguments());
    args.set(args.size() - 1, "counted-" + args.get(args.size() - 1));
    String out = ffmpegStderr(args.toArray(String[]::new));
    Matcher m = Pattern.compile("Input stream #0:0 \\(video\\): (\\d+) packets read \\(\\d+ bytes\\); (\\d+) frames decoded")
        .matcher(out);
    assertThat(m.find()).as("decoder counts in: %s", out).isTrue();
    return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
  }

  /** The MD5 of every decoded frame of the first video stream, in order ({@code framemd5}). */
  List<String> frameMd5s(String name) throws IOException {
    String listing = name + ".md5.txt";
    ffmpeg("-i", name, "-map", "0:v:0", "-f", "framemd5", listing);
    return Files.readAllLines(dir.resolve(listing)).stream().filter(l -> !l.startsWith("#"))
        .map(l -> l.substring(l.lastIndexOf(',') + 1).strip()).toList();
  }

  void ffmpeg(String... args) {
    TestFfmpeg.ffmpeg(dir, args);
  }

  private String ffmpegStderr(String... args) {
    List<String> cmd = new ArrayList<>(List.of(ffmpeg.ffmpeg().toString(), "-hide_banner", "-nostdin"));
    cmd.addAll(List.of(args));
    CapturedRun r = CapturedRun.run(cmd, dir, null, Duration.ofSeconds(120));
    assertThat(r.exitCode()).as("ffmpeg %s: %s", cmd, r.stderr()).isZero();
    return r.stderr();
  }

  private String ffprobe(String... args) {
    List<String> cmd = new ArrayList<>(List.of(ffmpeg.ffprobe().toString(), "-v", "error"));
    cmd.addAll(List.of(args));
    CapturedRun r = CapturedRun.run(cmd, dir, null, Duration.ofSeconds(120));
    assertThat(r.exitCode()).as("ffprobe %s: %s", cmd, r.stderr()).isZero();
    return r.stdout();
  }

  record Split(PartCommands commands, SplitPlan plan) {}
}
